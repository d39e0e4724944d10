import { useEffect, useMemo, useRef, useState } from "react";
import { Alert, App, Button, Card, Checkbox, Col, Empty, Flex, Progress, Radio, Row, Segmented, Space, Table, Tag, Typography, type TableColumnsType } from "antd";
import { ExportOutlined, FolderOpenOutlined } from "@ant-design/icons";
import { Channel } from "@tauri-apps/api/core";
import { save } from "@tauri-apps/plugin-dialog";
import { revealItemInDir } from "@tauri-apps/plugin-opener";
import { useTranslation } from "react-i18next";
import { ApiError, api, call, type Department, type ExportReport, type FormatInfo, type Lang, type Member, type Problem, type ReportSummary, type TaskProgress } from "../../api";
import { describe } from "../../errors";
import { useReport } from "../../shell/useReport";
import { useHeight } from "../../shell/useHeight";
import { useWorkspace } from "../../shell/workspace";
import { usePresentation } from "../../shell/presentation";
import MemberForm from "../organization/MemberForm";
import { besideWorkspace, canExport, defaultFileName, ordered, percent, tally, type Choice } from "./reportsView";

const CONFIDENCE_COLORS: Record<string, string> = { official: "green", "third-party": "blue", uncertain: "orange" };

type Outcome = { kind: "members"; report: ExportReport } | { kind: "report"; summary: ReportSummary };

/** Export the workspace: the report workbook, or a platform import file checked before writing. */
export default function ReportsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const { info, revision } = useWorkspace();
  const pres = usePresentation();
  const [formats, setFormats] = useState<FormatInfo[]>([]);
  const [choice, setChoice] = useState<Choice>({ kind: "report" });
  const [language, setLanguage] = useState<Lang>(i18n.language as Lang);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [force, setForce] = useState(false);
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [editing, setEditing] = useState<Member | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const box = useRef<HTMLDivElement>(null);
  const height = useHeight(box);

  useEffect(() => {
    call(api.exportFormats()).then(setFormats).catch(report);
  }, [i18n.language, report]);

  // Pre-flight runs whenever the choice or the workspace changes.
  const format = choice.kind === "members" ? choice.format : null;
  // A new choice starts empty; after an edit the previous result stays until the new one is in.
  useEffect(() => {
    setProblems(null);
    setForce(false);
  }, [format]);
  useEffect(() => {
    if (format === null) return;
    let cancelled = false;
    call(api.exportPreflight(format))
      .then((p) => !cancelled && setProblems(p))
      .catch((e) => !cancelled && report(e));
    return () => {
      cancelled = true;
    };
  }, [format, revision, i18n.language, report]);
  // Leaving the page or the format calls off its pre-flight if still running (seconds at a
  // million members): it would take the CPU from what comes next. Its "stopped" answer is
  // dropped above. (After an edit the same format's next pre-flight is the same question, which
  // a late stop would call off too: that one is left to finish.)
  useEffect(() => {
    if (format === null) return;
    return () => {
      api.stopPreflight(format).catch(() => {});
    };
  }, [format]);

  const chosen = formats.find((f) => f.format === format) ?? null;
  const counts = problems ? tally(problems) : null;
  const rows = useMemo(() => (problems ? ordered(problems) : []), [problems]);

  const run = async () => {
    const what = chosen ? `${t(`platforms.${chosen.platform}`)}-${t("reports_ui.file_members")}` : t("reports_ui.file_report");
    const extension = chosen?.extension ?? "xlsx";
    const path = await save({
      title: t("reports_ui.save_title"),
      defaultPath: besideWorkspace(info.path, defaultFileName(info.profile.name, what, new Date(), extension)),
      filters: [{ name: extension === "csv" ? "CSV" : "Excel", extensions: [extension] }],
    });
    if (!path) return;
    const channel = new Channel<TaskProgress>();
    channel.onmessage = setProgress;
    setOutcome(null);
    setProgress({ done: 0, total: 0 });
    try {
      if (choice.kind === "report") {
        const summary = await call(api.exportReport(path, language, pres.mask, channel));
        setOutcome({ kind: "report", summary });
      } else {
        const result = await call(api.exportMembers(choice.format, path, force, pres.mask, channel));
        setProblems(result.problems);
        setOutcome({ kind: "members", report: result });
      }
    } catch (e) {
      if (e instanceof ApiError && e.dto.code === "cancelled") message.info(t("reports_ui.cancelled"));
      else message.error(describe(t, e));
    } finally {
      setProgress(null);
    }
  };

  const editMember = async (userid: string) => {
    try {
      const [m, depts] = await Promise.all([call(api.getMember(userid)), call(api.listDepartments())]);
      setDepartments(depts);
      setEditing(m);
    } catch (e) {
      report(e);
    }
  };

  const reveal = async (file: string) => {
    try {
      await revealItemInDir(file);
    } catch (e) {
      message.error(String(e));
    }
  };

  const columns: TableColumnsType<Problem> = [
    {
      title: t("reports_ui.severity"),
      dataIndex: "severity",
      width: 76,
      render: (s: string) => <Tag color={s === "error" ? "red" : "gold"}>{t(`severities.${s}`)}</Tag>,
    },
    { title: t("reports_ui.row"), dataIndex: "row", width: 56 },
    {
      title: t("reports_ui.member"),
      width: 190,
      render: (_, p) =>
        p.userid ? (
          <Button type="link" size="small" style={{ padding: 0 }} title={t("reports_ui.edit_member")} data-testid="problem-member" onClick={() => void editMember(p.userid ?? "")}>
            {pres.name(p.name)}（{p.userid}）
          </Button>
        ) : (
          <Typography.Text>{p.department}</Typography.Text>
        ),
    },
    {
      title: t("reports_ui.problem"),
      render: (_, p) => (
        <div data-testid="problem">
          <div>{pres.text(p.message)}</div>
          <Typography.Text type="secondary">→ {pres.text(p.fix)}</Typography.Text>
        </div>
      ),
    },
  ];

  const running = progress !== null;

  return (
    <Row gutter={16} style={{ height: "100%" }} wrap={false}>
      <Col flex="380px" style={{ height: "100%", overflow: "auto" }}>
        <Card title={t("reports_ui.what")}>
          <Radio.Group
            value={choice.kind === "report" ? "report" : choice.format}
            onChange={(e) => {
              const f = formats.find((x) => x.format === e.target.value);
              setChoice(f ? { kind: "members", format: f.format, extension: f.extension, platform: f.platform } : { kind: "report" });
              setOutcome(null);
            }}
            style={{ width: "100%" }}
          >
            <Flex vertical gap={12}>
              <Radio value="report">
                <span data-testid="choice-report">
                  <Typography.Text strong>{t("reports_ui.report")}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary">{t("reports_ui.report_hint")}</Typography.Text>
                </span>
              </Radio>
              <Typography.Text type="secondary" style={{ marginTop: 4 }}>
                {t("reports_ui.platform_files")}
              </Typography.Text>
              {formats.map((f) => (
                <Radio key={f.format} value={f.format}>
                  <Space size={4} wrap data-testid={`choice-${f.format}`}>
                    <span>{f.name}</span>
                    <Tag color={CONFIDENCE_COLORS[f.confidence]} title={t("reports_ui.checked", { date: f.checked })}>
                      {t(`reports_ui.confidence_${f.confidence}`)}
                    </Tag>
                  </Space>
                </Radio>
              ))}
            </Flex>
          </Radio.Group>
          <div style={{ marginTop: 16 }}>
            {choice.kind === "report" ? (
              <Space direction="vertical">
                <Typography.Text>{t("reports_ui.language")}</Typography.Text>
                <Segmented<Lang>
                  value={language}
                  onChange={setLanguage}
                  options={[
                    { value: "zh-CN", label: "中文" },
                    { value: "en-US", label: "English" },
                  ]}
                  data-testid="report-language"
                />
              </Space>
            ) : (
              <Typography.Paragraph type="secondary">{t("reports_ui.platform_hint")}</Typography.Paragraph>
            )}
          </div>
          {counts !== null && counts.errors > 0 && (
            <Checkbox checked={force} onChange={(e) => setForce(e.target.checked)} style={{ marginTop: 12 }} data-testid="export-force">
              {t("reports_ui.force")}
            </Checkbox>
          )}
          <Button
            type="primary"
            icon={<ExportOutlined />}
            block
            style={{ marginTop: 16 }}
            disabled={running || !canExport(choice, problems, force)}
            onClick={() => void run()}
            data-testid="export-run"
          >
            {t("reports_ui.export")}
          </Button>
        </Card>
      </Col>
      <Col flex="auto" style={{ height: "100%", minWidth: 0 }}>
        <Card style={{ height: "100%" }} styles={{ body: { height: "100%", boxSizing: "border-box", display: "flex", flexDirection: "column", gap: 12 } }}>
          {running && (
            <Flex align="center" gap={12} data-testid="export-progress">
              <Progress percent={percent(progress.done, progress.total)} style={{ flex: 1 }} />
              <Typography.Text type="secondary">{t("reports_ui.running", { done: progress.done, total: progress.total })}</Typography.Text>
              <Button onClick={() => void call(api.exportCancel())}>{t("reports_ui.cancel")}</Button>
            </Flex>
          )}
          {outcome && <OutcomeAlert outcome={outcome} onReveal={reveal} />}
          {chosen?.confidence === "uncertain" && <Alert type="warning" showIcon message={t("reports_ui.uncertain_note")} />}
          {choice.kind === "members" && (
            <>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t("reports_ui.preflight")}
              </Typography.Title>
              {counts === null ? (
                <Typography.Text type="secondary">{t("reports_ui.checking")}</Typography.Text>
              ) : counts.errors + counts.warnings === 0 ? (
                <Alert type="success" showIcon message={t("reports_ui.clean", { platform: t(`platforms.${choice.platform}`) })} data-testid="preflight-clean" />
              ) : (
                <Alert
                  type={counts.errors > 0 ? "error" : "warning"}
                  showIcon
                  message={t(counts.errors > 0 ? "reports_ui.found" : "reports_ui.only_warnings", { ...counts })}
                  data-testid="preflight-summary"
                />
              )}
            </>
          )}
          {/* Always there, so its height is known when a problem list appears. */}
          <div ref={box} style={{ flex: 1, minHeight: 0 }}>
            {rows.length > 0 && (
              <Table<Problem>
                size="small"
                rowKey={(p) => `${p.rule}-${p.row ?? p.department}-${p.message}`}
                columns={columns}
                dataSource={rows}
                pagination={false}
                virtual
                scroll={{ y: Math.max(height - 40, 120) }}
              />
            )}
            {choice.kind === "report" && !outcome && <Empty description={t("reports_ui.report_hint")} />}
          </div>
        </Card>
      </Col>
      <MemberForm member={editing} departments={departments} defaultDepartment={null} onClose={() => setEditing(null)} />
    </Row>
  );
}

function OutcomeAlert({ outcome, onReveal }: { outcome: Outcome; onReveal: (file: string) => Promise<void> }) {
  const { t } = useTranslation();
  const files = outcome.kind === "report" ? [outcome.summary.file] : outcome.report.files;
  if (outcome.kind === "members" && !outcome.report.written) {
    return <Alert type="error" showIcon message={t("reports_ui.refused")} data-testid="export-refused" />;
  }
  return (
    <Alert
      type="success"
      showIcon
      data-testid="export-done"
      message={t("reports_ui.done")}
      description={
        <Space direction="vertical" size={4}>
          {files.map((f) => (
            <Typography.Text key={f} code data-testid="export-file">
              {f}
            </Typography.Text>
          ))}
          {outcome.kind === "report" && (
            <Typography.Text type="secondary">
              {t("reports_ui.report_sheets", { sheets: outcome.summary.sheets.join("、"), checks: outcome.summary.failing_checks })}
            </Typography.Text>
          )}
        </Space>
      }
      action={
        <Button icon={<FolderOpenOutlined />} onClick={() => void onReveal(files[0])} data-testid="export-reveal">
          {t("reports_ui.reveal")}
        </Button>
      }
    />
  );
}
