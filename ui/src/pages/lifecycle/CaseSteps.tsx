import { useState } from "react";
import { App, Button, Checkbox, List, Space, Tag, Tooltip, Typography } from "antd";
import { CheckCircleTwoTone, ExclamationCircleTwoTone } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { api, call, type Case, type Step } from "../../api";
import { describe } from "../../errors";

/** Steps with the one-click fix the app offers, by step key. */
const FIXES: Record<string, "revoke_roles"> = { roles_revoked: "revoke_roles" };

interface Props {
  value: Case;
  /** After a tick or a fix: the case as the core now sees it. */
  onChange: (c: Case) => void;
}

/**
 * One joiner's or leaver's checklist. Computed steps show what still holds them open (and a
 * fix where the app has one); hand steps are ticked here, dated today.
 */
export default function CaseSteps({ value, onChange }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);

  const run = async (key: string, work: () => Promise<Case>) => {
    setBusy(key);
    try {
      onChange(await work());
    } catch (e) {
      message.error(describe(t, e));
    } finally {
      setBusy(null);
    }
  };

  const tick = (s: Step, done: boolean) =>
    run(s.key, () => call(api.lifecycleTick({ userid: value.userid, kind: value.kind, step: s.key, done, on: null, note: null })));

  return (
    <List
      size="small"
      dataSource={value.steps}
      renderItem={(s) => (
        <List.Item data-testid={`step-${value.userid}-${s.key}`} data-done={s.done ? "1" : "0"}>
          <Space align="start" style={{ width: "100%" }}>
            {s.computed ? (
              s.done ? (
                <CheckCircleTwoTone twoToneColor="#52c41a" aria-label={t("lifecycle_ui.done")} />
              ) : (
                <ExclamationCircleTwoTone twoToneColor="#fa8c16" aria-label={t("lifecycle_ui.open")} />
              )
            ) : (
              <Checkbox checked={s.done} disabled={busy !== null} onChange={(e) => void tick(s, e.target.checked)} aria-label={s.title} />
            )}
            <div style={{ flex: 1 }}>
              <Space wrap size={4}>
                <Typography.Text delete={s.done} type={s.done ? "secondary" : undefined}>
                  {s.title}
                </Typography.Text>
                {s.computed && <Tag>{t("lifecycle_ui.computed")}</Tag>}
                {!s.done && s.due && <Tag color={s.overdue ? "red" : "default"}>{t(s.overdue ? "lifecycle_ui.overdue" : "lifecycle_ui.due", { date: s.due })}</Tag>}
                {s.done_on && <Tag color="green">{s.done_on}</Tag>}
              </Space>
              {s.detail && (
                <Typography.Text type="warning" style={{ display: "block" }}>
                  {s.detail}
                </Typography.Text>
              )}
              {!s.done && (
                <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }}>
                  {s.hint}
                </Typography.Text>
              )}
              {s.note && <Typography.Text style={{ display: "block", fontSize: 12 }}>{s.note}</Typography.Text>}
            </div>
            {!s.done && FIXES[s.key] === "revoke_roles" && (
              <Tooltip title={t("lifecycle_ui.revoke_roles_tip")}>
                <Button size="small" loading={busy === s.key} data-testid={`fix-${value.userid}-${s.key}`} onClick={() => void run(s.key, () => call(api.revokeAllRoles(value.userid)))}>
                  {t("lifecycle_ui.revoke_roles")}
                </Button>
              </Tooltip>
            )}
          </Space>
        </List.Item>
      )}
    />
  );
}
