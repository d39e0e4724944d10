import { useEffect, useRef, useState } from "react";
import { Alert, App, Badge, Button, Card, Col, Collapse, Empty, Pagination, Progress, Row, Space, Statistic, Table, Tabs, Tag, Typography } from "antd";
import { ExportOutlined } from "@ant-design/icons";
import { save } from "@tauri-apps/plugin-dialog";
import { useTranslation } from "react-i18next";
import { api, call, type Activation, type Case, type Lifecycle, type Pending } from "../../api";
import { describe } from "../../errors";
import { latest, STALE } from "../../shell/latest";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import CaseSteps from "./CaseSteps";

const CHANNEL_COLORS = { sms: "blue", email: "cyan", none: "red" } as const;
/** Joiners or leavers shown at a time: a large import can make thousands. */
const CASES_PER_PAGE = 20;
/** Department bars in the activation chart. */
const CHART_BARS = 20;
/** Findings shown one by one; the rest are counted (the invitation list has them all). */
const FINDINGS_SHOWN = 10;

/** Activation by department, then joiners and leavers with their checklists (overdue first). */
export default function LifecyclePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const { revision, changed } = useWorkspace();
  const [activation, setActivation] = useState<Activation | null>(null);
  const [lifecycle, setLifecycle] = useState<Lifecycle | null>(null);
  const run = useRef(latest()).current;
  const [joinerPage, setJoinerPage] = useState(1);
  const [leaverPage, setLeaverPage] = useState(1);

  useEffect(() => {
    run(Promise.all([call(api.activation()), call(api.lifecycle())]))
      .then((r) => {
        if (r === STALE) return;
        setActivation(r[0]);
        setLifecycle(r[1]);
      })
      .catch(report);
  }, [revision, report, run]);

  const exportList = async () => {
    const path = await save({ defaultPath: `${t("lifecycle_ui.invitations_sheet")}.xlsx`, filters: [{ name: "Excel", extensions: ["xlsx"] }] });
    if (!path) return;
    try {
      const n = await call(api.exportInvitations(path));
      message.success(t("lifecycle_ui.invitations_exported", { path, count: n }));
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  if (!activation || !lifecycle) return null;
  const lowest = [...activation.departments].sort((a, b) => (a.rate ?? 0) - (b.rate ?? 0)).slice(0, CHART_BARS);
  const pct = (r: number | null) => Math.round((r ?? 0) * 100);

  const cases = (list: Case[], page: number, setPage: (p: number) => void) =>
    list.length === 0 ? (
      <Empty description={t("lifecycle_ui.none")} />
    ) : (
      <>
      <Collapse
        items={list.slice((page - 1) * CASES_PER_PAGE, page * CASES_PER_PAGE).map((c) => ({
          key: c.userid,
          label: (
            <Space wrap data-testid={`case-${c.kind}-${c.userid}`}>
              <Typography.Text strong>{c.name}</Typography.Text>
              <Typography.Text type="secondary">{c.userid}</Typography.Text>
              {c.department && <Typography.Text type="secondary">{c.department}</Typography.Text>}
              {c.since && <Tag>{t(c.kind === "joiner" ? "lifecycle_ui.joined" : "lifecycle_ui.leaving", { date: c.since })}</Tag>}
              {c.successor && <Tag>{t("lifecycle_ui.successor_is", { userid: c.successor })}</Tag>}
              {c.steps.some((s) => s.overdue) && <Tag color="red">{t("lifecycle_ui.has_overdue")}</Tag>}
              <Tag color={c.open === 0 ? "green" : "orange"}>{c.open === 0 ? t("lifecycle_ui.all_done") : t("lifecycle_ui.open_count", { count: c.open })}</Tag>
            </Space>
          ),
          children: <CaseSteps value={c} onChange={() => changed()} />,
        }))}
      />
      <Pagination
        style={{ marginTop: 12, textAlign: "right" }}
        current={page}
        pageSize={CASES_PER_PAGE}
        total={list.length}
        onChange={setPage}
        hideOnSinglePage
        showSizeChanger={false}
        showTotal={(n) => t("lifecycle_ui.people", { count: n })}
      />
      </>
    );

  const pendingColumns = [
    { title: t("fields.name"), dataIndex: "name", width: 90 },
    { title: t("fields.userid"), dataIndex: "userid", width: 120 },
    { title: t("fields.status"), dataIndex: "status", width: 80, render: (s: string) => t(`statuses.${s}`) },
    {
      title: t("lifecycle_ui.channel"),
      dataIndex: "channel",
      width: 110,
      render: (c: Pending["channel"]) => <Tag color={CHANNEL_COLORS[c]}>{t(`lifecycle_ui.channel_${c}`)}</Tag>,
    },
    { title: t("lifecycle_ui.contact"), dataIndex: "contact", width: 150, ellipsis: true },
    { title: t("fields.department"), dataIndex: "department", width: 200 },
  ];

  return (
    <Tabs
      defaultActiveKey="activation"
      items={[
        {
          key: "activation",
          label: <span data-testid="tab-activation">{t("lifecycle_ui.activation")}</span>,
          children: (
            <Row gutter={16}>
              <Col xs={24} lg={9}>
                <Card title={t("lifecycle_ui.activation_rate")} data-testid="activation-card">
                  <Space align="center" size="large">
                    <Progress type="circle" percent={pct(activation.overall.rate)} size={96} />
                    <Statistic title={t("lifecycle_ui.active_of")} value={activation.overall.active} suffix={`/ ${activation.overall.total.toLocaleString()}`} />
                  </Space>
                  {/* One bar per department, the ones that pull the rate down first: the chart of the
                      guide's activation campaign (a large org shows its lowest ones). */}
                  <div style={{ marginTop: 16 }} data-testid="activation-chart">
                    {lowest.map((r) => (
                      <div key={r.department} style={{ marginBottom: 6 }}>
                        <Typography.Text style={{ fontSize: 12 }} ellipsis={{ tooltip: r.department }}>
                          {r.department || t("lifecycle_ui.no_department_group")}
                        </Typography.Text>
                        <Progress
                          percent={pct(r.rate)}
                          size="small"
                          status={(r.rate ?? 0) < 1 ? "active" : "success"}
                          format={() => `${r.active}/${r.total}`}
                        />
                      </div>
                    ))}
                    {activation.departments.length > lowest.length && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t("lifecycle_ui.more_departments", { count: activation.departments.length - lowest.length })}
                      </Typography.Text>
                    )}
                  </div>
                </Card>
              </Col>
              <Col xs={24} lg={15}>
                <Space direction="vertical" style={{ width: "100%" }}>
                  {activation.findings.slice(0, FINDINGS_SHOWN).map((f) => (
                    <Alert key={`${f.code}-${f.userid}`} type={f.code === "customer_facing_not_active" ? "warning" : "error"} showIcon message={f.message} data-testid={`finding-${f.code}`} />
                  ))}
                  {activation.findings.length > FINDINGS_SHOWN && (
                    <Typography.Text type="secondary">{t("lifecycle_ui.more_findings", { count: activation.findings.length - FINDINGS_SHOWN })}</Typography.Text>
                  )}
                  <Card
                    title={t("lifecycle_ui.pending", { count: activation.pending.length })}
                    extra={
                      <Button icon={<ExportOutlined />} onClick={exportList} disabled={activation.pending.length === 0} data-testid="export-invitations">
                        {t("lifecycle_ui.export_invitations")}
                      </Button>
                    }
                  >
                    <Table<Pending> rowKey="userid" size="small" scroll={{ x: 750 }} columns={pendingColumns} dataSource={activation.pending} pagination={{ pageSize: 50, hideOnSinglePage: true }} />
                  </Card>
                </Space>
              </Col>
            </Row>
          ),
        },
        {
          key: "leavers",
          label: (
            <Badge count={lifecycle.leavers.filter((c) => c.open > 0).length} size="small" offset={[14, -2]}>
              <span data-testid="tab-leavers">{t("lifecycle_ui.leavers")}</span>
            </Badge>
          ),
          children: cases(lifecycle.leavers, leaverPage, setLeaverPage),
        },
        {
          key: "joiners",
          label: (
            <Badge count={lifecycle.joiners.filter((c) => c.open > 0).length} size="small" offset={[14, -2]}>
              <span data-testid="tab-joiners">{t("lifecycle_ui.joiners")}</span>
            </Badge>
          ),
          children: cases(lifecycle.joiners, joinerPage, setJoinerPage),
        },
        {
          key: "overdue",
          label: (
            <Badge count={lifecycle.overdue.length} size="small" offset={[14, -2]}>
              <span data-testid="tab-overdue">{t("lifecycle_ui.overdue_tab")}</span>
            </Badge>
          ),
          children: (
            <Table
              rowKey={(o) => `${o.kind}-${o.userid}-${o.key}`}
              size="small"
              dataSource={lifecycle.overdue}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              columns={[
                { title: t("lifecycle_ui.due_date"), dataIndex: "due", width: 120 },
                { title: t("fields.name"), dataIndex: "name", width: 120 },
                { title: t("lifecycle_ui.kind"), dataIndex: "kind", width: 90, render: (k: string) => t(`lifecycle_ui.kind_${k}`) },
                { title: t("lifecycle_ui.step"), dataIndex: "title" },
              ]}
            />
          ),
        },
      ]}
    />
  );
}
