import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Popconfirm, Progress, Segmented, Select, Space, Statistic, Table, Tag, Typography } from "antd";
import { ApiOutlined, CloudDownloadOutlined, CloudUploadOutlined, DisconnectOutlined, RedoOutlined } from "@ant-design/icons";
import { Channel } from "@tauri-apps/api/core";
import { useTranslation } from "react-i18next";
import { api, ApiError, call, type ApplyReport, type JournalEntry, type Operation, type Plan, type Platform, type PlatformConnection, type PullSummary, type TaskProgress } from "../../api";
import { latest, STALE } from "../../shell/latest";
import { usePresentation } from "../../shell/presentation";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { changeText, opColor, OPS, statusColor, unfinished } from "./syncView";

/**
 * Connecting to the platform: the id in the workspace and the secret in the OS keyring, a test,
 * a pull of the live directory and the plan from it to the workspace as a diff.
 */
export default function SyncPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const pres = usePresentation();
  const { revision, changed } = useWorkspace();
  const [connection, setConnection] = useState<PlatformConnection | null>(null);
  const [pulled, setPulled] = useState<PullSummary | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [allow, setAllow] = useState(0);
  const [op, setOp] = useState<string>("all");
  const [busy, setBusy] = useState<"connect" | "test" | "pull" | null>(null);
  const [lastRun, setLastRun] = useState<[Plan, JournalEntry[]] | null>(null);
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const run = useRef(latest()).current;
  const [form] = Form.useForm();
  const chosen = Form.useWatch<Platform | undefined>("platform", form);

  const load = useCallback(() => {
    run(Promise.all([call(api.platformConnection()), call(api.lastPull()), call(api.lastRun())]))
      .then(async (r) => {
        if (r === STALE) return;
        setConnection(r[0]);
        setPulled(r[1]);
        setLastRun(r[2]);
        setPlan(r[1] ? await call(api.syncPlan(allow)) : null);
      })
      .catch(report);
  }, [allow, report, run]);

  useEffect(load, [load, revision]);

  const connect = async (v: { platform: Platform; id: string; secret: string }) => {
    setBusy("connect");
    try {
      await call(api.connectPlatform(v.platform, v.id, v.secret));
      form.resetFields();
      message.success(t("sync_ui.connected"));
      changed();
    } catch (e) {
      report(e);
    } finally {
      setBusy(null);
    }
  };

  const test = async () => {
    setBusy("test");
    try {
      await call(api.testConnection());
      message.success(t("sync_ui.test_ok"));
    } catch (e) {
      report(e);
    } finally {
      setBusy(null);
    }
  };

  const pull = async () => {
    setBusy("pull");
    const channel = new Channel<TaskProgress>();
    channel.onmessage = setProgress;
    setProgress({ done: 0, total: 1 });
    try {
      const s = await call(api.pullPlatform(channel));
      message.success(t("sync_ui.pulled", { departments: s.departments, members: s.members }));
      changed();
    } catch (e) {
      if (e instanceof ApiError && e.dto.code === "cancelled") message.info(e.dto.message);
      else report(e);
    } finally {
      setBusy(null);
      setProgress(null);
    }
  };

  /** Runs plan `id` (a new run, or the rest of a started one) with progress and cancel. */
  const apply = async (id: string, resume: boolean) => {
    const channel = new Channel<TaskProgress>();
    channel.onmessage = setProgress;
    setProgress({ done: 0, total: 1 });
    try {
      const r: ApplyReport = await call(api.applyPlan(id, allow, resume, false, channel));
      if (r.failed) message.error(t("sync_ui.apply_failed", { target: r.failed.target, code: r.failed.errcode ?? 0, message: r.failed.message ?? "" }));
      else if (r.cancelled) message.info(t("sync_ui.apply_cancelled", { done: r.done, remaining: r.remaining }));
      else if (r.left_after) message.warning(t("sync_ui.applied", { done: r.done, left: r.left_after }));
      else message.success(t("sync_ui.applied_in_step", { done: r.done }));
    } catch (e) {
      if (!(e instanceof ApiError && e.dto.code === "cancelled")) report(e);
    } finally {
      setProgress(null);
      changed();
    }
  };

  const disconnect = async () => {
    try {
      await call(api.disconnectPlatform());
      changed();
    } catch (e) {
      report(e);
    }
  };

  const resumable = lastRun && unfinished(lastRun[1]) ? lastRun : null;
  const rows = useMemo(() => (plan?.operations ?? []).filter((o) => op === "all" || o.op === op), [plan, op]);

  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }} data-testid="sync-page">
      <Card title={t("sync_ui.connection")} size="small">
        {connection ? (
          <Space direction="vertical" style={{ width: "100%" }}>
            <Descriptions size="small" column={3}>
              <Descriptions.Item label={t("sync_ui.platform")}>{t(`platforms.${connection.platform}`)}</Descriptions.Item>
              <Descriptions.Item label={t(`sync_ui.ids.${connection.platform}`)}>
                <span data-testid="connection-id">{connection.client_id}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t("sync_ui.connected_at")}>{connection.connected_at}</Descriptions.Item>
            </Descriptions>
            <Typography.Text type="secondary">{t("sync_ui.secret_in_keyring")}</Typography.Text>
            <Space>
              <Button icon={<ApiOutlined />} onClick={test} loading={busy === "test"} data-testid="test-connection">
                {t("sync_ui.test")}
              </Button>
              <Button type="primary" icon={<CloudDownloadOutlined />} onClick={pull} loading={busy === "pull"} data-testid="pull">
                {t("sync_ui.pull")}
              </Button>
              <Popconfirm title={t("sync_ui.disconnect_confirm")} onConfirm={disconnect}>
                <Button danger icon={<DisconnectOutlined />}>
                  {t("sync_ui.disconnect")}
                </Button>
              </Popconfirm>
            </Space>
            {progress && (
              <Space data-testid="sync-progress">
                <Typography.Text>{t(busy === "pull" ? "sync_ui.pulling" : "sync_ui.applying")}</Typography.Text>
                <Progress percent={progress.total ? Math.floor((progress.done * 100) / progress.total) : 0} style={{ width: 320 }} />
                <Button onClick={() => void api.cancelSync()}>{t("common.cancel")}</Button>
              </Space>
            )}
          </Space>
        ) : (
          <Form form={form} layout="inline" onFinish={connect} initialValues={{ platform: "wecom" }}>
            <Form.Item name="platform" label={t("sync_ui.platform")}>
              <Select style={{ width: 140 }} options={(["wecom", "dingtalk", "feishu"] as const).map((p) => ({ value: p, label: t(`platforms.${p}`) }))} />
            </Form.Item>
            <Form.Item name="id" label={t(`sync_ui.ids.${chosen ?? "wecom"}`)} rules={[{ required: true, whitespace: true }]} tooltip={t("sync_ui.id_hint")}>
              <Input style={{ width: 200 }} data-testid="connect-id" />
            </Form.Item>
            <Form.Item name="secret" label={t("sync_ui.secret")} rules={[{ required: true, whitespace: true }]} tooltip={t("sync_ui.secret_hint")}>
              <Input.Password style={{ width: 240 }} autoComplete="off" data-testid="connect-secret" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy === "connect"} data-testid="connect">
              {t("sync_ui.connect")}
            </Button>
          </Form>
        )}
      </Card>
      {pulled && (
        <Card
          size="small"
          title={t("sync_ui.plan_title", { at: pulled.pulled_at })}
          extra={
            <Space>
              {t("sync_ui.allow_deletes")}
              <InputNumber min={0} value={allow} onChange={(v) => setAllow(v ?? 0)} style={{ width: 90 }} />
            </Space>
          }
        >
          <Space size="large" style={{ marginBottom: 12 }} wrap>
            <Statistic title={t("sync_ui.live_departments")} value={pulled.departments ?? 0} />
            <Statistic title={t("sync_ui.live_members")} value={pulled.members ?? 0} />
            <Statistic title={t("sync_ui.operations")} value={plan?.operations.length ?? 0} />
          </Space>
          {pulled.withheld.length > 0 && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t("sync_ui.withheld", { fields: pulled.withheld.join(t("sync_ui.separator")) })} />}
          {plan?.blocked.map((b) => (
            <Alert key={b.code + b.message} type="error" showIcon style={{ marginBottom: 8 }} message={b.message} data-testid="plan-blocked" />
          ))}
          {!progress && (
            <Space style={{ marginBottom: 12, display: "flex" }} wrap>
              {resumable ? (
                <Button type="primary" icon={<RedoOutlined />} onClick={() => apply(resumable[0].id, true)} data-testid="apply-resume">
                  {t("sync_ui.resume", { count: resumable[1].filter((e) => e.status !== "done").length })}
                </Button>
              ) : (
                plan &&
                plan.operations.length > 0 && (
                  <Popconfirm title={t("sync_ui.apply_confirm", { count: plan.operations.length })} onConfirm={() => apply(plan.id, false)}>
                    <Button type="primary" icon={<CloudUploadOutlined />} disabled={plan.blocked.length > 0} data-testid="apply">
                      {t("sync_ui.apply", { count: plan.operations.length })}
                    </Button>
                  </Popconfirm>
                )
              )}
              {(resumable || (plan && plan.operations.length > 0)) && <Typography.Text type="secondary">{t("sync_ui.apply_hint")}</Typography.Text>}
            </Space>
          )}
          <Segmented
            key={plan?.id ?? ""}
            style={{ marginBottom: 12 }}
            value={op}
            onChange={(v) => setOp(String(v))}
            options={[
              { value: "all", label: t("sync_ui.all", { count: plan?.operations.length ?? 0 }) },
              ...OPS.filter((o) => plan?.summary[o]).map((o) => ({ value: o, label: `${t(`sync_ui.ops.${o}`)} ${plan?.summary[o] ?? 0}` })),
            ]}
          />
          <Table<Operation>
            size="small"
            data-testid="plan-table"
            rowKey={(o) => `${o.op}:${o.target}`}
            dataSource={rows}
            pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
            locale={{ emptyText: t("sync_ui.in_step") }}
            columns={[
              { title: t("sync_ui.op"), dataIndex: "op", width: 150, render: (o: string) => <Tag color={opColor(o)}>{t(`sync_ui.ops.${o}`)}</Tag> },
              { title: t("sync_ui.target"), dataIndex: "target", width: 240 },
              {
                title: t("sync_ui.changes"),
                key: "fields",
                render: (_: unknown, o) => (
                  <Space direction="vertical" size={0}>
                    {Object.entries(o.fields).map(([k, v]) => (
                      <Typography.Text key={k}>
                        <Typography.Text type="secondary">{t(`sync_ui.fields.${k}`, { defaultValue: k })}</Typography.Text> {changeText(v, k === "mobile" ? pres.mobile : k === "email" ? pres.email : k === "name" ? pres.name : (x) => x ?? "")}
                      </Typography.Text>
                    ))}
                  </Space>
                ),
              },
              { title: t("sync_ui.reason"), dataIndex: "reason", width: 220 },
            ]}
          />
        </Card>
      )}
      {lastRun && (
        <Card size="small" title={t("sync_ui.journal_title", { id: lastRun[0].id })}>
          <Table<JournalEntry>
            size="small"
            data-testid="journal-table"
            rowKey="seq"
            dataSource={lastRun[1]}
            pagination={lastRun[1].length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
            columns={[
              { title: "#", dataIndex: "seq", width: 60, render: (n: number) => n + 1 },
              { title: t("sync_ui.op"), dataIndex: "op", width: 150, render: (o: string) => <Tag color={opColor(o)}>{t(`sync_ui.ops.${o}`)}</Tag> },
              { title: t("sync_ui.target"), dataIndex: "target", width: 240 },
              { title: t("sync_ui.status"), dataIndex: "status", width: 110, render: (s: string) => <Tag color={statusColor(s)}>{t(`sync_ui.statuses.${s}`)}</Tag> },
              { title: t("sync_ui.answer"), key: "answer", render: (_: unknown, e) => (e.errcode ? `${e.errcode} ${e.message ?? ""}` : "") },
              { title: t("sync_ui.updated_at"), dataIndex: "updated_at", width: 200 },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
