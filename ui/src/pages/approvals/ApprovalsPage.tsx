import { useCallback, useEffect, useRef, useState } from "react";
import { Alert, App, Button, Card, Col, Empty, Input, Popconfirm, Progress, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography } from "antd";
import { DownloadOutlined, ImportOutlined, PlusOutlined } from "@ant-design/icons";
import { open, save } from "@tauri-apps/plugin-dialog";
import { useTranslation } from "react-i18next";
import { api, call, type Break, type BreakSummary, type Efficiency, type Template, type TemplateInfo } from "../../api";
import { describe } from "../../errors";
import { latest, STALE } from "../../shell/latest";
import { usePresentation } from "../../shell/presentation";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { barPercent, newTemplate } from "./approvalsView";
import RouteEditor from "./RouteEditor";
import Simulator from "./Simulator";

/**
 * Approvals (guide §4): the simulator, the templates with their routes (built-in ones to add,
 * the editor, JSON in and out) and the rank order, where chains break for whom, and approval
 * speed from the consoles' records against the guide's top 30 %.
 */
export default function ApprovalsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const pres = usePresentation();
  const { revision, changed } = useWorkspace();
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [ranks, setRanks] = useState<string[]>([]);
  const [roles, setRoles] = useState<string[]>([]);
  const [departments, setDepartments] = useState<string[]>([]);
  const [breaks, setBreaks] = useState<BreakSummary | null>(null);
  const [efficiency, setEfficiency] = useState<Efficiency | null>(null);
  const [editing, setEditing] = useState<Template | null>(null);
  const [newKey, setNewKey] = useState("");
  const run = useRef(latest()).current;
  const lang = i18n.language === "en-US" ? "en-US" : "zh-CN";

  useEffect(() => {
    run(Promise.all([call(api.approvalTemplates()), call(api.ranks()), call(api.permissionMatrix()), call(api.listDepartments())]))
      .then((r) => {
        if (r === STALE) return;
        setTemplates(r[0]);
        setRanks(r[1].ranks.map((x) => x.name));
        setRoles(r[2].roles.map((x) => x.key ?? x.name[lang]));
        setDepartments(r[3].map((d) => d.path));
      })
      .catch(report);
  }, [revision, report, run, lang]);

  const loadBreaks = useCallback(() => {
    call(api.approvalCheck()).then(setBreaks, report);
  }, [report]);
  useEffect(() => {
    setBreaks(null);
    loadBreaks();
    call(api.approvalEfficiency()).then(setEfficiency, report);
  }, [revision, loadBreaks, report]);

  const act = async <T,>(work: Promise<T>, done: string) => {
    try {
      await work;
      message.success(done);
      changed();
      return true;
    } catch (e) {
      message.error(describe(t, e));
      return false;
    }
  };

  if (!templates) return null;
  const own = templates.filter((x) => x.in_workspace);

  const importTemplate = async () => {
    const path = await open({ multiple: false, directory: false, filters: [{ name: "JSON", extensions: ["json"] }] });
    if (typeof path === "string") await act(call(api.importApprovalTemplate(path)), t("approvals_ui.saved"));
  };
  const exportTemplate = async (key: string) => {
    const path = await save({ defaultPath: `${key}.json`, filters: [{ name: "JSON", extensions: ["json"] }] });
    if (path) await act(call(api.exportApprovalTemplate(key, path)), t("approvals_ui.exported", { path }));
  };
  const importRecords = async () => {
    const path = await open({ multiple: false, directory: false, filters: [{ name: "Excel / CSV", extensions: ["xlsx", "xls", "ods", "csv"] }] });
    if (typeof path !== "string") return;
    try {
      const r = await call(api.importApprovalRecords(path, false));
      if (r.committed) {
        message.success(t("approvals_ui.records_imported", { added: r.added, replaced: r.replaced }));
        changed();
      } else {
        const first = r.problems[0];
        message.error(first ? t("approvals_ui.records_refused", { count: r.problems.length, row: first.row, message: first.message }) : t("approvals_ui.records_empty"));
      }
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  const templatesTab = (
    <Row gutter={16}>
      <Col xs={24} xl={16}>
        <Card
          title={t("approvals_ui.templates")}
          extra={
            <Space>
              <Input size="small" style={{ width: 140 }} placeholder={t("approvals_ui.new_key")} value={newKey} onChange={(e) => setNewKey(e.target.value)} />
              <Button size="small" icon={<PlusOutlined />} disabled={!newKey.trim()} onClick={() => setEditing(newTemplate(newKey.trim(), newKey.trim()))}>
                {t("approvals_ui.new_template")}
              </Button>
              <Button size="small" icon={<ImportOutlined />} onClick={importTemplate}>
                {t("approvals_ui.import_json")}
              </Button>
            </Space>
          }
        >
          <Table
            size="small"
            rowKey={(x) => x.template.key}
            dataSource={templates}
            pagination={false}
            expandable={{
              expandedRowRender: (x) => (
                <Space direction="vertical" size={2}>
                  {x.routes_text.map((r, i) => (
                    <Typography.Text key={i}>
                      {t("approvals_ui.route_n", { route: i + 1 })}: {r.when} → {r.steps.join(" → ")}
                    </Typography.Text>
                  ))}
                </Space>
              ),
            }}
            columns={[
              { title: t("approvals_ui.template"), key: "name", render: (_: unknown, x: TemplateInfo) => x.template.name[lang] || x.template.key },
              { title: t("approvals_ui.key"), key: "key", render: (_: unknown, x: TemplateInfo) => <Typography.Text code>{x.template.key}</Typography.Text> },
              { title: t("approvals_ui.routes"), key: "routes", render: (_: unknown, x: TemplateInfo) => x.template.routes.length },
              {
                title: "",
                key: "state",
                render: (_: unknown, x: TemplateInfo) => (x.in_workspace ? <Tag color="green">{t("approvals_ui.in_workspace")}</Tag> : <Tag>{t("approvals_ui.builtin")}</Tag>),
              },
              {
                title: "",
                key: "actions",
                render: (_: unknown, x: TemplateInfo) =>
                  x.in_workspace ? (
                    <Space size={4}>
                      <Button size="small" type="link" onClick={() => setEditing(x.template)} data-testid={`edit-${x.template.key}`}>
                        {t("common.edit")}
                      </Button>
                      <Button size="small" type="link" icon={<DownloadOutlined />} onClick={() => exportTemplate(x.template.key)} />
                      <Popconfirm title={t("approvals_ui.delete_confirm")} onConfirm={() => act(call(api.deleteApprovalTemplate(x.template.key)), t("approvals_ui.deleted"))}>
                        <Button size="small" type="link" danger>
                          {t("common.delete")}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ) : (
                    <Button size="small" data-testid={`add-${x.template.key}`} onClick={() => act(call(api.saveApprovalTemplate(x.template)), t("approvals_ui.saved"))}>
                      {t("approvals_ui.add")}
                    </Button>
                  ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={8}>
        <Card title={t("approvals_ui.ranks")}>
          <Typography.Paragraph type="secondary">{t("approvals_ui.ranks_hint")}</Typography.Paragraph>
          <Select mode="tags" style={{ width: "100%" }} value={ranks} onChange={setRanks} data-testid="ranks" />
          <Button style={{ marginTop: 8 }} onClick={() => act(call(api.setRanks(ranks)), t("approvals_ui.ranks_saved"))}>
            {t("common.save")}
          </Button>
        </Card>
      </Col>
    </Row>
  );

  const breaksTab =
    breaks === null ? null : own.length === 0 ? (
      <Empty description={t("approvals_ui.no_templates")} />
    ) : breaks.total === 0 ? (
      <Alert type="success" showIcon message={t("approvals_ui.no_breaks")} data-testid="no-breaks" />
    ) : (
      <Space direction="vertical" style={{ width: "100%" }}>
        <Space wrap>
          <Typography.Text strong>{t("approvals_ui.breaks_total", { count: breaks.total.toLocaleString() })}</Typography.Text>
          {breaks.by_code.map(([code, n]) => (
            <Tag key={code} color="red">
              {code} × {n.toLocaleString()}
            </Tag>
          ))}
          {breaks.total > breaks.breaks.length && <Typography.Text type="secondary">{t("approvals_ui.breaks_listed", { count: breaks.breaks.length })}</Typography.Text>}
        </Space>
        <Table
          size="small"
          data-testid="breaks"
          rowKey={(b, i) => `${b.template}-${b.route}-${b.applicant}-${b.code}-${i}`}
          dataSource={breaks.breaks}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          columns={[
            { title: t("approvals_ui.template"), dataIndex: "template", width: 110 },
            { title: t("approvals_ui.route"), dataIndex: "route", width: 70, render: (r: number | null) => (r === null ? "—" : r + 1) },
            { title: t("approvals_ui.applicant"), key: "who", width: 160, render: (_: unknown, b: Break) => `${pres.name(b.applicant_name)} (${b.applicant})` },
            { title: t("approvals_ui.code"), dataIndex: "code", width: 150, render: (c: string) => <Tag color="red">{c}</Tag> },
            { title: t("approvals_ui.what"), dataIndex: "message" },
          ]}
        />
      </Space>
    );

  const e = efficiency;
  const slowest = Math.max(0, ...(e?.departments ?? []).map((d) => d.median_hours ?? 0));
  const efficiencyTab = (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space>
        <Button icon={<ImportOutlined />} onClick={importRecords} data-testid="records-import">
          {t("approvals_ui.import_records")}
        </Button>
        <Typography.Text type="secondary">{t("approvals_ui.records_hint")}</Typography.Text>
      </Space>
      {!e || e.completed === 0 ? (
        <Empty description={t("approvals_ui.no_records")} />
      ) : (
        <Row gutter={16}>
          <Col xs={24} xl={14}>
            <Card title={t("approvals_ui.by_department", { share: e.top_share_percent })} data-testid="efficiency-chart">
              <Space size="large" style={{ marginBottom: 12 }}>
                <Statistic title={t("approvals_ui.completed")} value={e.completed} />
                <Statistic title={t("approvals_ui.pending")} value={e.pending} />
                <Statistic title={t("approvals_ui.period")} value={`${e.from} – ${e.to}`} valueStyle={{ fontSize: 16 }} />
              </Space>
              {e.departments.map((d) => (
                <div key={d.department} style={{ marginBottom: 8 }}>
                  <Space>
                    <Typography.Text>{d.rank}. {d.department}</Typography.Text>
                    <Tag color={d.top30 ? "green" : "orange"}>{d.top30 ? t("approvals_ui.top") : t("approvals_ui.not_top")}</Tag>
                  </Space>
                  <Progress
                    percent={barPercent(d.median_hours, slowest)}
                    size="small"
                    status={d.top30 ? "success" : "exception"}
                    format={() => t("approvals_ui.hours", { median: (d.median_hours ?? 0).toFixed(1), p90: (d.p90_hours ?? 0).toFixed(1) })}
                  />
                  {d.remedy && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {d.remedy}
                      {d.slowest_approvers[0] && ` ${t("approvals_ui.slowest", { name: pres.name(d.slowest_approvers[0].approver), median: (d.slowest_approvers[0].median_hours ?? 0).toFixed(1) })}`}
                    </Typography.Text>
                  )}
                </div>
              ))}
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card title={t("approvals_ui.by_template")}>
              <Table
                size="small"
                pagination={false}
                rowKey="template"
                dataSource={e.templates}
                columns={[
                  { title: t("approvals_ui.template"), dataIndex: "template" },
                  { title: t("approvals_ui.completed"), dataIndex: "count" },
                  { title: t("approvals_ui.median"), dataIndex: "median_hours", render: (v: number | null) => (v ?? 0).toFixed(1) },
                  { title: "P90", dataIndex: "p90_hours", render: (v: number | null) => (v ?? 0).toFixed(1) },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
    </Space>
  );

  return (
    <>
      <Tabs
        defaultActiveKey="simulator"
        items={[
          { key: "simulator", label: <span data-testid="tab-simulator">{t("approvals_ui.simulator")}</span>, children: <Simulator templates={templates} /> },
          { key: "templates", label: <span data-testid="tab-templates">{t("approvals_ui.templates")}</span>, children: templatesTab },
          {
            key: "breaks",
            label: (
              <span data-testid="tab-breaks">
                {t("approvals_ui.breaks")} {breaks && breaks.total > 0 && <Tag color="red">{breaks.total.toLocaleString()}</Tag>}
              </span>
            ),
            children: breaksTab,
          },
          { key: "efficiency", label: <span data-testid="tab-efficiency">{t("approvals_ui.efficiency")}</span>, children: efficiencyTab },
        ]}
      />
      <RouteEditor
        template={editing}
        ranks={ranks}
        roles={roles}
        departments={departments}
        onClose={() => setEditing(null)}
        onSave={(x) => act(call(api.saveApprovalTemplate(x)), t("approvals_ui.saved"))}
      />
    </>
  );
}
