import { useEffect, useRef, useState } from "react";
import { App, Button, Card, Checkbox, Col, Flex, Input, Modal, Progress, Row, Skeleton, Space, Spin, Tag, Typography } from "antd";
import { CheckCircleFilled, ExclamationCircleOutlined, RightOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { api, call, type Checklist, type ChecklistItem } from "../../api";
import { describe } from "../../errors";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { latest, STALE } from "../../shell/latest";

/** The checklist last shown, by workspace and language: opened again, the page shows it at once
 * while the workspace is checked again (seconds at a million members). */
let lastShown: { key: string; list: Checklist } | null = null;

interface Props {
  /** Opens the page where an item is fixed. */
  onNavigate: (page: string) => void;
}

/** The home page: the guide's eight steps, how far the workspace is, and where to fix the rest. */
export default function HomePage({ onNavigate }: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const { info, revision, changed } = useWorkspace();
  const key = `${info.path}\n${i18n.language}`;
  const [list, setList] = useState<Checklist | null>(() => (lastShown?.key === key ? lastShown.list : null));
  // A checklist is being computed for the latest change (the one shown may be older).
  const [updating, setUpdating] = useState(true);
  const [reasonFor, setReasonFor] = useState<ChecklistItem | null>(null);
  const [reason, setReason] = useState("");

  // Leaving the page calls off a checklist still being computed (seconds at a million members):
  // nobody waits for it any more, and it would take the CPU from the page opened next. Its
  // "stopped" answer is not reported.
  const left = useRef(false);
  useEffect(() => {
    left.current = false;
    return () => {
      left.current = true;
      api.stopChecklist().catch(() => {});
    };
  }, []);

  // The previous checklist stays on screen while a change is checked again (seconds with a
  // million members); an answer overtaken by a newer change is dropped.
  const run = useRef(latest()).current;
  useEffect(() => {
    setUpdating(true);
    run(call(api.checklist()))
      .then((l) => {
        if (l === STALE) return;
        lastShown = { key, list: l };
        setList(l);
        setUpdating(false);
      })
      .catch((e) => {
        if (left.current) return;
        setUpdating(false);
        report(e);
      });
  }, [revision, report, run, key]);

  const tick = async (item: ChecklistItem, done: boolean, why: string | null) => {
    try {
      await call(api.checklistTick({ item: item.key, done, reason: why }));
      changed();
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  if (!list) return <Skeleton active paragraph={{ rows: 8 }} />;

  const itemRow = (item: ChecklistItem) => (
    <Flex key={item.key} gap={8} align="start" style={{ padding: "6px 0" }} data-testid={`item-${item.key}`} data-done={item.done}>
      {item.done ? (
        <CheckCircleFilled style={{ color: "#52c41a", marginTop: 4 }} />
      ) : (
        <ExclamationCircleOutlined style={{ color: "#bfbfbf", marginTop: 4 }} />
      )}
      <div style={{ flex: 1, minWidth: 0 }}>
        <Typography.Text delete={false} type={item.done ? undefined : undefined}>
          {item.title}
        </Typography.Text>
        {(item.detail || item.reason) && (
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {item.reason ? t("home_ui.reason", { reason: item.reason }) : item.detail}
            </Typography.Text>
          </div>
        )}
      </div>
      <Space size={4}>
        {!item.computed && (
          <Checkbox checked={item.done} onChange={(e) => void tick(item, e.target.checked, null)} data-testid={`tick-${item.key}`}>
            {t("home_ui.done")}
          </Checkbox>
        )}
        {item.accepts_reason && !item.done && (
          <Button size="small" type="text" onClick={() => setReasonFor(item)}>
            {t("home_ui.give_reason")}
          </Button>
        )}
        {item.accepts_reason && item.reason && (
          <Button size="small" type="text" onClick={() => void tick(item, false, null)}>
            {t("home_ui.withdraw_reason")}
          </Button>
        )}
        {(item.computed || item.link !== "home") && !item.done && (
          <Button size="small" type="link" onClick={() => onNavigate(item.link)} data-testid={`fix-${item.key}`}>
            {t("home_ui.fix")} <RightOutlined />
          </Button>
        )}
      </Space>
    </Flex>
  );

  return (
    <div style={{ height: "100%", overflowY: "auto", overflowX: "hidden" }} data-testid="checklist" data-updating={updating}>
      <Card>
        <Flex gap={24} align="center" wrap>
          <Progress type="circle" percent={list.percent} size={96} format={(p) => <span data-testid="checklist-percent">{p}%</span>} />
          <div style={{ flex: 1, minWidth: 280 }}>
            <Typography.Title level={3} style={{ marginTop: 0 }}>
              {info.profile.platform === "undecided"
                ? t("home_ui.title_undecided", { company: info.profile.name })
                : t("home_ui.title", { company: info.profile.name, platform: t(`platforms.${info.profile.platform}`) })}
            </Typography.Title>
            <Typography.Text type="secondary">{t("home_ui.subtitle", { done: list.done, total: list.total })}</Typography.Text>
            {updating && (
              <div style={{ marginTop: 4 }}>
                <Typography.Text type="secondary" data-testid="checklist-updating">
                  <Spin size="small" style={{ marginRight: 8 }} />
                  {t("home_ui.updating")}
                </Typography.Text>
              </div>
            )}
          </div>
        </Flex>
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        {list.steps.map((s) => (
          <Col span={12} key={s.key}>
            <Card
              size="small"
              title={s.title}
              extra={<Tag color={s.done === s.total ? "green" : s.done > 0 ? "blue" : "default"}>{`${s.done}/${s.total}`}</Tag>}
              style={{ height: "100%" }}
              data-testid={`step-${s.key}`}
            >
              {s.items.map(itemRow)}
            </Card>
          </Col>
        ))}
      </Row>
      <Modal
        open={reasonFor !== null}
        title={t("home_ui.reason_title", { item: reasonFor?.title ?? "" })}
        okText={t("common.save")}
        cancelText={t("common.cancel")}
        okButtonProps={{ disabled: !reason.trim() }}
        onCancel={() => setReasonFor(null)}
        onOk={async () => {
          if (reasonFor) await tick(reasonFor, true, reason);
          setReasonFor(null);
          setReason("");
        }}
        destroyOnHidden
      >
        <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} placeholder={t("home_ui.reason_placeholder")} />
      </Modal>
    </div>
  );
}
