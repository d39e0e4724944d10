import { useEffect, useRef, useState } from "react";
import { Alert, App, Button, Card, Descriptions, Empty, List, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { save } from "@tauri-apps/plugin-dialog";
import { useTranslation } from "react-i18next";
import { api, call, type HandoverItem, type HandoverPlan, type Leaver } from "../../api";
import { latest, STALE } from "../../shell/latest";
import MemberPicker from "../../shell/MemberPicker";
import { usePresentation } from "../../shell/presentation";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";

/**
 * Leavers' customers: the frozen or departed members who still own customers, each one's
 * handover plan (the successor and how they were chosen, transfers of the platform's size, the
 * rules' problems), the handover sheet, and the move itself (undoable).
 */
export default function HandoverTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const pres = usePresentation();
  const { revision, changed } = useWorkspace();
  const [leavers, setLeavers] = useState<Leaver[]>([]);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | undefined>();
  const [plan, setPlan] = useState<HandoverPlan | null>(null);
  const run = useRef(latest()).current;
  const runPlan = useRef(latest()).current;

  useEffect(() => {
    run(call(api.leavers()))
      .then((l) => {
        if (l === STALE) return;
        setLeavers(l);
        setFrom((f) => (f && l.some((x) => x.userid === f) ? f : (l[0]?.userid ?? null)));
      })
      .catch(report);
  }, [revision, report, run]);

  useEffect(() => {
    if (!from) return setPlan(null);
    runPlan(call(api.handoverPlan(from, to ?? null)))
      .then((p) => p !== STALE && setPlan(p))
      .catch(report);
  }, [from, to, revision, report, runPlan]);

  const apply = async () => {
    if (!plan) return;
    try {
      const done = await call(api.applyHandover(plan.from, to ?? null));
      message.success(t("customers_ui.handover_done", { count: done.customers.length, to: pres.name(done.to_name ?? done.to ?? "") }));
      setTo(undefined);
      changed();
    } catch (e) {
      report(e);
    }
  };

  const exportSheet = async () => {
    if (!plan) return;
    const path = await save({ defaultPath: t("customers_ui.handover_file", { name: plan.from }), filters: [{ name: "Excel", extensions: ["xlsx"] }] });
    if (!path) return;
    try {
      await call(api.exportHandover(plan.from, to ?? null, path));
      message.success(t("customers_ui.handover_exported", { path }));
    } catch (e) {
      report(e);
    }
  };

  if (leavers.length === 0) return <Empty description={t("customers_ui.no_leavers")} data-testid="handover-empty" />;

  return (
    <div style={{ display: "flex", gap: 16 }} data-testid="handover-tab">
      <Card size="small" title={t("customers_ui.leavers")} style={{ width: 280, flex: "none" }}>
        <List
          size="small"
          dataSource={leavers}
          renderItem={(l) => (
            <List.Item
              onClick={() => {
                setFrom(l.userid);
                setTo(undefined);
              }}
              style={{ cursor: "pointer", background: from === l.userid ? "#e6f4ff" : undefined, paddingInline: 8 }}
            >
              <Space direction="vertical" size={0}>
                <span>
                  {pres.name(l.name)} <Tag color={l.status === "departed" ? "red" : "orange"}>{t(`statuses.${l.status}`)}</Tag>
                </span>
                <Typography.Text type="secondary">{t("customers_ui.leaver_customers", { count: l.customers })}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      </Card>
      {plan && (
        <Card
          size="small"
          style={{ flex: 1, minWidth: 0 }}
          title={t("customers_ui.handover_title", { name: pres.name(plan.from_name) })}
          extra={
            <Space>
              <Button onClick={exportSheet}>{t("customers_ui.handover_export")}</Button>
              <Popconfirm title={t("customers_ui.handover_confirm", { count: plan.customers.length })} onConfirm={apply} disabled={!plan.to}>
                <Button type="primary" disabled={!plan.to || plan.customers.length === 0} data-testid="handover-apply">
                  {t("customers_ui.handover_apply")}
                </Button>
              </Popconfirm>
            </Space>
          }
        >
          <Descriptions size="small" column={2} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t("customers_ui.successor")}>
              <Space>
                <span data-testid="handover-to">{plan.to ? `${pres.name(plan.to_name ?? "")} (${plan.to})` : "—"}</span>
                {plan.chosen_by && <Tag>{t(`customers_ui.chosen_by.${plan.chosen_by}`)}</Tag>}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t("customers_ui.other_successor")}>
              <MemberPicker allowClear style={{ width: 220 }} exclude={[plan.from]} value={to} onChange={(v) => setTo(v ?? undefined)} />
            </Descriptions.Item>
            <Descriptions.Item label={t("customers_ui.leaving_on")}>{plan.leaving_on ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("customers_ui.batches")}>{t("customers_ui.batches_of", { batches: plan.batches, size: plan.per_transfer })}</Descriptions.Item>
          </Descriptions>
          {plan.problems.map((p) => (
            <Alert key={p.code} type="warning" showIcon style={{ marginBottom: 8 }} message={pres.text(p.message)} />
          ))}
          <Typography.Paragraph type="secondary">{plan.source}</Typography.Paragraph>
          <Table<HandoverItem>
            size="small"
            rowKey="id"
            dataSource={plan.customers}
            pagination={plan.customers.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            columns={[
              { title: t("customers_ui.name"), dataIndex: "name", render: (n: string) => pres.name(n) },
              { title: t("customers_ui.mobile"), dataIndex: "mobile", render: (m: string | null) => pres.mobile(m) },
              { title: t("customers_ui.batch"), dataIndex: "batch", width: 100, align: "right" },
              { title: t("customers_ui.already_theirs"), dataIndex: "already_theirs", width: 140, render: (b: boolean) => (b ? <Tag>{t("customers_ui.yes")}</Tag> : null) },
            ]}
          />
        </Card>
      )}
    </div>
  );
}
