import { type HTMLAttributes, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Alert, App, Button, Card, Col, Empty, Progress, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography, Upload } from "antd";
import { ImportOutlined, InboxOutlined } from "@ant-design/icons";
import { Channel } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";
import { useTranslation } from "react-i18next";
import { api, ApiError, call, type ActivityImport, type ActivityKind, type Funnel, type Group, type Health, type Indicator, type TaskProgress } from "../../api";
import { describe } from "../../errors";
import EChart, { type ChartOption } from "../../shell/EChart";
import { latest, STALE } from "../../shell/latest";
import { usePresentation } from "../../shell/presentation";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { fileBytes } from "../import/importView";
import { dayLine, figure, funnelChart, groupBars, misses, statusColor, weeksBack } from "./healthView";

const ACCEPT = ".xlsx,.xls,.csv,.ods";
/** Members in the reply chart (the slowest). */
const REPLY_BARS = 20;

/**
 * Operations health (the guide's epilogue): the consoles' statistics exports imported, six
 * indicators against the guide's targets with their trend, charts, who pulls each down and
 * what to do.
 */
export default function HealthPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const pres = usePresentation();
  const { revision, changed } = useWorkspace();
  const [health, setHealth] = useState<Health | null>(null);
  const [weeks, setWeeks] = useState<number>(8);
  const [kind, setKind] = useState<ActivityKind | "auto">("auto");
  const [selected, setSelected] = useState<string>("login_rate");
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useRef(latest()).current;
  const fig = useCallback(
    (v: number | null | undefined, unit: string) => figure(v, unit, (u) => t(`health_ui.units.${u}`, { defaultValue: u })),
    [t],
  );

  useEffect(() => {
    // The last day with data is known from a first answer; the period then counts back from it.
    run(
      call(api.health(null, null)).then((h) => (weeks === 8 ? h : call(api.health(weeksBack(h.period.to, weeks), h.period.to)))),
    )
      .then((h) => {
        if (h !== STALE) setHealth(h);
      })
      .catch(report);
  }, [revision, weeks, report, run]);

  const imported = (r: ActivityImport) => {
    if (r.committed) {
      message.success(t("health_ui.imported", { kind: t(`health_ui.kinds.${r.kind}`), rows: r.written, replaced: r.replaced, from: r.from ?? "", to: r.to ?? "" }));
      changed();
    } else {
      const first = r.problems[0];
      message.error(
        first
          ? t("health_ui.refused", { count: r.problem_count, row: first.row, message: first.message })
          : t("health_ui.empty"),
        8,
      );
    }
  };
  const kindArg = kind === "auto" ? null : kind;

  const importBytes = async (file: File) => {
    setBusy(true);
    try {
      imported(await call(api.importActivityBytes(file.name, await fileBytes(file), kindArg, false)));
    } catch (e) {
      message.error(describe(t, e));
    } finally {
      setBusy(false);
    }
  };

  const importPath = async () => {
    const path = await open({ multiple: false, directory: false, filters: [{ name: "Excel / CSV", extensions: ACCEPT.replace(/\./g, "").split(",") }] });
    if (typeof path !== "string") return;
    const channel = new Channel<TaskProgress>();
    channel.onmessage = setProgress;
    setProgress({ done: 0, total: 1 });
    try {
      imported(await call(api.importActivity(path, kindArg, false, false, channel)));
    } catch (e) {
      if (e instanceof ApiError && e.dto.code === "cancelled") message.info(t("health_ui.cancelled"));
      else message.error(describe(t, e));
    } finally {
      setProgress(null);
    }
  };

  const indicator = health?.indicators.find((i) => i.key === selected) ?? null;
  const d = health?.details;
  const charts = useMemo(() => {
    if (!health || !d) return null;
    const threshold = (key: string) => health.indicators.find((i) => i.key === key)?.threshold ?? null;
    const target = (key: string) => t("health_ui.target_line", { value: fig(threshold(key), health.indicators.find((i) => i.key === key)?.unit ?? "") });
    return {
      login: d.login_days.length ? dayLine(d.login_days, threshold("login_rate"), { series: t("health_ui.chart_login"), target: target("login_rate") }) : null,
      reply: d.reply_members.length
        ? groupBars(d.reply_members, threshold("first_reply"), REPLY_BARS, { series: t("health_ui.chart_reply"), target: target("first_reply"), label: (g) => pres.name(g.name) })
        : null,
      funnel: d.funnel ? funnelChart(d.funnel, { added: t("health_ui.added"), chats: t("health_ui.chats"), replied: t("health_ui.replied") }) : null,
      api: d.api_days.length ? dayLine(d.api_days, threshold("api_error_rate"), { series: t("health_ui.chart_api"), target: target("api_error_rate") }) : null,
    };
  }, [health, d, t, pres, fig]);

  if (!health || !d || !charts) return null;
  const nothing = health.indicators.every((i) => i.status === "no_data");

  const card = (i: Indicator) => (
    <Col key={i.key} xs={24} md={12} xl={8}>
      <Card
        size="small"
        hoverable
        data-testid={`indicator-${i.key}`}
        onClick={() => setSelected(i.key)}
        style={{ borderColor: selected === i.key ? "#1677ff" : undefined, height: "100%" }}
      >
        <Space style={{ width: "100%", justifyContent: "space-between" }}>
          <Typography.Text strong>{i.name}</Typography.Text>
          <Tag color={statusColor(i.status)} data-testid={`indicator-status-${i.key}`} data-status={i.status}>
            {t(`health_ui.status.${i.status}`)}
          </Tag>
        </Space>
        <Space align="baseline" size="large">
          <Statistic value={fig(i.value, i.unit)} />
          <Typography.Text type="secondary">{t("health_ui.target", { value: fig(i.threshold, i.unit) })}</Typography.Text>
        </Space>
        {i.trend.some((p) => p.value !== null) && (
          <EChart
            height={48}
            option={{
              grid: { left: 0, right: 0, top: 4, bottom: 4 },
              xAxis: { type: "category", show: false, data: i.trend.map((p) => p.period) },
              yAxis: { type: "value", show: false, scale: true },
              tooltip: { trigger: "axis" },
              series: [{ type: "line", data: i.trend.map((p) => p.value), symbol: "none", connectNulls: false, areaStyle: { opacity: 0.15 } }],
            }}
          />
        )}
        {i.worst.length > 0 && (
          <div style={{ overflow: "hidden", display: "-webkit-box", WebkitLineClamp: 2, WebkitBoxOrient: "vertical" }}>
            <Typography.Text type="danger" data-testid={`indicator-worst-${i.key}`}>
              {t("health_ui.pulled_down", { names: i.worst.map((w) => (w.kind === "member" ? pres.name(w.name) : w.name)).join(t("health_ui.separator")) })}
            </Typography.Text>
          </div>
        )}
      </Card>
    </Col>
  );

  const groupTable = (groups: Group[], i: Indicator) => (
    <Table<Group>
      size="small"
      data-testid="health-drill"
      rowKey={(g) => `${g.kind}:${g.id}`}
      onRow={(g) => ({ "data-row": g.kind === "member" ? g.id : g.name }) as HTMLAttributes<HTMLElement>}
      dataSource={groups}
      pagination={groups.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      columns={[
        { title: t("health_ui.kind"), dataIndex: "kind", width: 100, render: (k: string) => t(`health_ui.group_kinds.${k}`) },
        { title: t("health_ui.name"), dataIndex: "name", render: (n: string, g) => (g.kind === "member" ? pres.name(n) : n) },
        { title: t("health_ui.value"), dataIndex: "value", width: 120, align: "right", render: (v: number | null) => fig(v, i.unit), sorter: (a, b) => (a.value ?? 0) - (b.value ?? 0) },
        { title: t("health_ui.weight"), dataIndex: "weight", width: 120, align: "right" },
        {
          title: t("health_ui.status_column"),
          key: "status",
          width: 120,
          render: (_: unknown, g) =>
            misses(i, g.value ?? 0) ? (
              <Tag color="error" data-testid="below-target">
                {t("health_ui.below")}
              </Tag>
            ) : (
              <Tag color="success">{t("health_ui.status.ok")}</Tag>
            ),
        },
      ]}
    />
  );

  const funnelTable = (rows: Funnel[]) => (
    <Table<Funnel>
      size="small"
      data-testid="health-drill"
      rowKey={(f) => `${f.kind}:${f.id}`}
      dataSource={rows}
      pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      columns={[
        { title: t("health_ui.kind"), dataIndex: "kind", width: 100, render: (k: string) => t(`health_ui.group_kinds.${k}`) },
        { title: t("health_ui.name"), dataIndex: "name", render: (n: string, f) => (f.kind === "member" ? pres.name(n) : n) },
        { title: t("health_ui.added"), dataIndex: "added", align: "right" },
        { title: t("health_ui.chats"), dataIndex: "chats", align: "right" },
        { title: t("health_ui.replied"), dataIndex: "replied", align: "right" },
        { title: t("health_ui.replied_share"), key: "share", align: "right", render: (_: unknown, f) => (f.chats ? fig((f.replied * 100) / f.chats, "%") : "—") },
        { title: t("health_ui.lost"), dataIndex: "lost", align: "right" },
        { title: t("health_ui.quick_reply_rate"), dataIndex: "quick_reply_rate", align: "right", render: (v: number | null) => fig(v, "%") },
      ]}
    />
  );

  const drill = (i: Indicator) => {
    switch (i.key) {
      case "login_rate":
        return groupTable(d.login_departments, i);
      case "first_reply":
        return groupTable([...d.reply_members, ...d.reply_departments], i);
      case "approval_speed":
        return groupTable(d.approval_departments, i);
      case "customer_funnel":
        return funnelTable([...d.funnel_sources, ...d.funnel_members]);
      case "api_error_rate":
        return groupTable(d.api_endpoints, i);
      default:
        return groupTable(d.device_batches, i);
    }
  };

  const chartCard = (title: string, option: ChartOption | null, testId: string) =>
    option && (
      <Col xs={24} xl={12}>
        <Card size="small" title={title}>
          <EChart option={option} testId={testId} />
        </Card>
      </Col>
    );

  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }} data-testid="health-page">
      <Card
        title={t("health_ui.title")}
        extra={
          <Space wrap>
            <Segmented
              value={weeks}
              onChange={(v) => setWeeks(Number(v))}
              options={[4, 8, 13].map((w) => ({ value: w, label: t("health_ui.weeks", { count: w }) }))}
            />
            <Select<ActivityKind | "auto">
              value={kind}
              onChange={setKind}
              style={{ width: 210 }}
              options={(["auto", "members", "customers", "api"] as const).map((k) => ({ value: k, label: k === "auto" ? t("health_ui.kind_auto") : t(`health_ui.kinds.${k}`) }))}
            />
            <Button icon={<ImportOutlined />} onClick={importPath} loading={progress !== null} data-testid="health-import">
              {t("health_ui.import")}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary" data-testid="health-period">
          {t("health_ui.period", { from: health.period.from, to: health.period.to })}
        </Typography.Paragraph>
        {progress && (
          <Space style={{ width: "100%" }}>
            <Progress percent={progress.total ? Math.floor((progress.done * 100) / progress.total) : 0} style={{ width: 320 }} />
            <Button size="small" onClick={() => void call(api.importCancel())}>
              {t("common.cancel")}
            </Button>
          </Space>
        )}
        <Upload.Dragger
          accept={ACCEPT}
          multiple={false}
          showUploadList={false}
          disabled={busy}
          beforeUpload={(file) => {
            void importBytes(file);
            return false;
          }}
          data-testid="health-drop"
          styles={{ root: { padding: 0 } }}
        >
          <p className="ant-upload-text" style={{ margin: 0 }}>
            <InboxOutlined style={{ color: "#1677ff", marginInlineEnd: 8 }} />
            {busy ? t("health_ui.reading") : t("health_ui.drop")}
          </p>
          <p className="ant-upload-hint" style={{ margin: 0 }}>
            {t("health_ui.drop_hint")}
          </p>
        </Upload.Dragger>
      </Card>
      {nothing && <Empty description={t("health_ui.no_data")} />}
      <Row gutter={[16, 16]}>{health.indicators.map(card)}</Row>
      <Row gutter={[16, 16]}>
        {chartCard(t("health_ui.chart_login"), charts.login, "chart-login")}
        {chartCard(t("health_ui.chart_reply"), charts.reply, "chart-reply")}
        {chartCard(t("health_ui.chart_funnel"), charts.funnel, "chart-funnel")}
        {chartCard(t("health_ui.chart_api"), charts.api, "chart-api")}
      </Row>
      {indicator && indicator.status !== "no_data" && (
        <Card size="small" title={t("health_ui.drill_title", { name: indicator.name })}>
          {(indicator.status === "warn" || indicator.status === "bad" || indicator.worst.length > 0) && (
            <Alert
              type={indicator.status === "bad" ? "error" : "warning"}
              showIcon
              style={{ marginBottom: 12 }}
              message={indicator.remedy}
              description={t("health_ui.console", { where: indicator.console })}
            />
          )}
          {drill(indicator)}
        </Card>
      )}
    </Space>
  );
}
