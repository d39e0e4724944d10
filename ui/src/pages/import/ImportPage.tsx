import { useEffect, useMemo, useRef, useState } from "react";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Collapse,
  Flex,
  InputNumber,
  Modal,
  Progress,
  Result,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
  Upload,
  type TableColumnsType,
} from "antd";
import { FolderOpenOutlined, InboxOutlined } from "@ant-design/icons";
import { Channel } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";
import { useTranslation } from "react-i18next";
import {
  ApiError,
  api,
  call,
  type ImportColumn,
  type ImportOptions,
  type ImportPreview,
  type TaskProgress,
  type ImportReport,
  type PreviewRow,
  type RowFilter,
} from "../../api";
import { describe, errorMessage } from "../../errors";
import { useHeight } from "../../shell/useHeight";
import { useReport } from "../../shell/useReport";
import { pagination, usePaged } from "../../shell/usePaged";
import { useWorkspace } from "../../shell/workspace";
import { usePresentation } from "../../shell/presentation";
import { cellIssues, fieldLabel, fileBytes, hasNameColumn, mappingOf } from "./importView";

const ACCEPT = ".xlsx,.xlsm,.xls,.ods,.csv,.txt";
const ACTION_COLORS: Record<string, string> = { create: "green", update: "blue", unchanged: "default", invalid: "red" };

type Stage = "pick" | "preview" | "done";

/** The import wizard: pick a file → check the columns and rows → import → summary. */
interface Props {
  onOpenOrganization: () => void;
  /** A file dropped onto the window, to open here. */
  dropped?: string | null;
  onDroppedTaken?: () => void;
}

export default function ImportPage({ onOpenOrganization, dropped, onDroppedTaken }: Props) {
  const { t } = useTranslation();
  const pres = usePresentation();
  const { message } = App.useApp();
  const { changed } = useWorkspace();
  const [stage, setStage] = useState<Stage>("pick");
  const [busy, setBusy] = useState(false);
  const [fileName, setFileName] = useState("");
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const reportError = useReport();
  // Counts the plans made, so that the preview table reads each new one.
  const [planVersion, setPlanVersion] = useState(0);
  const [columns, setColumns] = useState<ImportColumn[]>([]);
  const [overrides, setOverrides] = useState<Record<string, string>>({});
  const [sheet, setSheet] = useState<string | null>(null);
  const [headerRow, setHeaderRow] = useState<number | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [choices, setChoices] = useState<string[]>([]);
  const [filter, setFilter] = useState<RowFilter>("all");
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const height = useHeight(box);

  useEffect(() => {
    call(api.importFieldChoices()).then(setChoices, () => setChoices([]));
    return () => void api.importClose();
  }, []);

  const options = (o: Partial<{ sheet: string | null; header_row: number | null; mapping: Record<string, string> }> = {}): ImportOptions => ({
    sheet: o.sheet !== undefined ? o.sheet : sheet,
    header_row: o.header_row !== undefined ? o.header_row : headerRow,
    mapping: o.mapping ?? mappingOf(columns, overrides),
    skip_invalid: false,
  });

  /** Shows a plan, or — when no header was found — the columns to map by hand. */
  const show = async (work: Promise<ImportPreview>, opts: ImportOptions) => {
    try {
      const p = await work;
      setPreview(p);
      setPlanVersion((v) => v + 1);
      setColumns(p.report.columns);
      setSheet(p.report.sheet);
      setHeaderRow(p.report.header_row);
      setPlanError(null);
      setStage("preview");
    } catch (e) {
      const dto = e instanceof ApiError ? e.dto : null;
      if (dto && ["import_no_header", "import_header_row_invalid"].includes(dto.key)) {
        setPlanError(errorMessage(t, dto));
        setPreview(null);
        const cols = await call(api.importColumns({ ...opts, header_row: opts.header_row ?? 1 })).catch(() => []);
        setColumns(cols);
        setHeaderRow(opts.header_row ?? 1);
        setStage("preview");
      } else {
        message.error(describe(t, e));
      }
    }
  };

  const reset = () => {
    setOverrides({});
    setSheet(null);
    setHeaderRow(null);
    setFilter("all");
    setResult(null);
  };

  const openBytes = async (file: File) => {
    reset();
    setBusy(true);
    setFileName(file.name);
    const opts: ImportOptions = { sheet: null, header_row: null, mapping: {}, skip_invalid: false };
    await show(fileBytes(file).then((bytes) => call(api.importOpenBytes(file.name, bytes, opts))), opts);
    setBusy(false);
  };

  const openNative = async () => {
    const path = await open({ multiple: false, directory: false, filters: [{ name: "Excel / CSV", extensions: ACCEPT.replace(/\./g, "").split(",") }] });
    if (typeof path === "string") await openPath(path);
  };

  const openPath = async (path: string) => {
    reset();
    setBusy(true);
    setFileName(path.split(/[\\/]/).pop() ?? path);
    const opts: ImportOptions = { sheet: null, header_row: null, mapping: {}, skip_invalid: false };
    await show(call(api.importOpenPath(path, opts)), opts);
    setBusy(false);
  };

  // A file dropped onto the window opens here (the latest openPath, without re-running).
  const openPathRef = useRef(openPath);
  openPathRef.current = openPath;
  useEffect(() => {
    if (!dropped) return;
    onDroppedTaken?.();
    void openPathRef.current(dropped);
  }, [dropped, onDroppedTaken]);

  const replan = async (opts: ImportOptions) => {
    setBusy(true);
    await show(call(api.importPlan(opts)), opts);
    setBusy(false);
  };

  const commit = async (skipInvalid: boolean) => {
    const channel = new Channel<TaskProgress>();
    channel.onmessage = setProgress;
    setProgress({ done: 0, total: preview?.report.rows ?? 0 });
    try {
      const report = await call(api.importCommit(skipInvalid, channel));
      setResult(report);
      setStage("done");
      changed();
    } catch (e) {
      if (e instanceof ApiError && e.dto.code === "cancelled") message.info(t("import_ui.cancelled"));
      else message.error(describe(t, e));
    } finally {
      setProgress(null);
    }
  };

  const downloadErrors = async () => {
    const stem = fileName.replace(/\.[^.]+$/, "");
    const path = await save({ defaultPath: `${stem}-${t("import_ui.error_filter")}.xlsx`, filters: [{ name: "Excel", extensions: ["xlsx"] }] });
    if (!path) return;
    try {
      await call(api.importErrorWorkbook(path));
      message.success(t("import_ui.errors_saved", { path }));
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  const undoImport = async () => {
    if (!result?.batch) return;
    try {
      await call(api.importRollback(result.batch));
      message.success(t("import_ui.undone"));
      changed();
      setResult({ ...result, batch: null, committed: false });
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  const fieldOptions = useMemo(
    () => [{ value: "ignore", label: t("import_ui.ignore") }, ...choices.map((c) => ({ value: c, label: fieldLabel(t, c) }))],
    [choices, t],
  );

  // The rows come from the core a page at a time (a file may have a million); a new plan is a new preview.
  const { rows, total, page, loading, turn } = usePaged((offset, limit) => call(api.importPreviewRows(filter, offset, limit)), filter, planVersion, reportError);
  const report = preview?.report;
  const mappedHeaders = useMemo(() => (report ? report.columns.filter((c) => c.field !== null) : []), [report]);

  const tableColumns: TableColumnsType<PreviewRow> = [
    { title: t("import_ui.row"), dataIndex: "row", width: 64, fixed: "left" },
    {
      title: t("import_ui.action"),
      dataIndex: "action",
      width: 84,
      render: (a: string) => <Tag color={ACTION_COLORS[a]}>{t(`import_ui.action_${a}`)}</Tag>,
    },
    ...mappedHeaders.map((c, i) => ({
      title: (
        <Tooltip title={c.field ? fieldLabel(t, c.field) : ""}>
          <span>{c.header}</span>
        </Tooltip>
      ),
      key: `c${i}`,
      width: 140,
      ellipsis: true,
      render: (_: unknown, r: PreviewRow) => {
        const problems = cellIssues(r.problems, c.header);
        const notes = cellIssues(r.notes, c.header);
        const text = pres.text(r.values[i]);
        if (problems.length === 0 && notes.length === 0) return text;
        return (
          <Tooltip title={[...problems, ...notes].map((p) => pres.text(p.message)).join("\n")}>
            <span
              data-testid={problems.length ? "problem-cell" : "note-cell"}
              style={{
                display: "block",
                margin: "-4px -8px",
                padding: "4px 8px",
                minHeight: 22,
                background: problems.length ? "#fff1f0" : "#fffbe6",
                color: problems.length ? "#cf1322" : undefined,
              }}
            >
              {text || " "}
            </span>
          </Tooltip>
        );
      },
    })),
    {
      title: t("import_ui.issues"),
      key: "issues",
      width: 320,
      ellipsis: true,
      render: (_: unknown, r: PreviewRow) => {
        const all = [...r.problems, ...r.notes];
        if (all.length === 0) return null;
        return (
          <Tooltip title={all.map((p) => (p.column ? `${p.column}：` : "") + p.message).join("\n")}>
            <Typography.Text type={r.problems.length ? "danger" : "warning"} ellipsis>
              {all[0].message}
            </Typography.Text>
          </Tooltip>
        );
      },
    },
  ];

  if (stage === "pick") {
    return (
      <Card title={t("import_ui.title")} style={{ height: "100%" }}>
        <Upload.Dragger
          accept={ACCEPT}
          multiple={false}
          showUploadList={false}
          disabled={busy}
          beforeUpload={(file) => {
            void openBytes(file);
            return false;
          }}
          data-testid="import-drop"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{busy ? t("import_ui.reading") : t("import_ui.drop")}</p>
          <p className="ant-upload-hint">{t("import_ui.drop_hint")}</p>
        </Upload.Dragger>
        <Flex justify="center" style={{ marginTop: 16 }}>
          <Button icon={<FolderOpenOutlined />} onClick={openNative} disabled={busy}>
            {t("import_ui.pick_native")}
          </Button>
        </Flex>
      </Card>
    );
  }

  if (stage === "done" && result) {
    const nothing = result.committed && result.batch === null;
    return (
      <Card style={{ height: "100%" }}>
        <Result
          status={result.committed || nothing ? "success" : "info"}
          title={<span data-testid="import-result">{nothing ? t("import_ui.nothing_title") : result.committed ? t("import_ui.done_title") : t("import_ui.undone")}</span>}
          subTitle={
            <>
              {nothing
                ? t("import_ui.nothing_text")
                : t("import_ui.done_text", {
                    created: result.created.members,
                    updated: result.updated.members,
                    departments: result.created.departments,
                    unchanged: result.unchanged,
                  })}
              {result.invalid > 0 && <div>{t("import_ui.skipped", { count: result.invalid })}</div>}
            </>
          }
          extra={[
            <Button key="org" type="primary" onClick={onOpenOrganization} data-testid="import-view-org">
              {t("import_ui.view_org")}
            </Button>,
            result.invalid > 0 && (
              <Button key="errors" onClick={downloadErrors}>
                {t("import_ui.download_errors")}
              </Button>
            ),
            result.batch !== null && (
              <Button key="undo" danger onClick={undoImport} data-testid="import-undo">
                {t("import_ui.undo_import")}
              </Button>
            ),
            <Button key="again" onClick={() => setStage("pick")}>
              {t("import_ui.another")}
            </Button>,
          ]}
        />
      </Card>
    );
  }

  const invalid = report?.invalid ?? 0;
  const valid = report?.valid ?? 0;
  return (
    <div style={{ display: "flex", flexDirection: "column", height: "100%", gap: 12, minHeight: 0 }}>
      <Card size="small">
        <Flex gap={16} align="center" wrap>
          <Typography.Text strong>{t("import_ui.file_info", { file: fileName, format: report ? `${report.format}${report.encoding ? ` · ${report.encoding}` : ""}` : "" })}</Typography.Text>
          <Space>
            {t("import_ui.sheet")}
            <Select
              style={{ minWidth: 140 }}
              value={sheet ?? undefined}
              options={(report?.sheets ?? (sheet ? [sheet] : [])).map((s) => ({ value: s, label: s }))}
              onChange={(s) => {
                setSheet(s);
                void replan(options({ sheet: s, header_row: null, mapping: {} }));
              }}
            />
          </Space>
          <Space>
            {t("import_ui.header_row")}
            <InputNumber min={1} value={headerRow ?? undefined} onChange={(v) => setHeaderRow(v ?? null)} data-testid="import-header-row" />
            <Button onClick={() => replan(options())} loading={busy}>
              {t("import_ui.redetect")}
            </Button>
          </Space>
          <Button onClick={() => setStage("pick")} style={{ marginLeft: "auto" }}>
            {t("import_ui.choose_other")}
          </Button>
        </Flex>
      </Card>

      {planError && <Alert type="warning" showIcon message={t("import_ui.no_header_hint")} description={planError} />}

      <Collapse
        size="small"
        defaultActiveKey={planError ? ["mapping"] : []}
        items={[
          {
            key: "mapping",
            label: `${t("import_ui.mapping")} · ${mappedHeaders.map((c) => `${c.header}→${fieldLabel(t, c.field!)}`).join("，")}`,
            children: (
              <>
                <Typography.Paragraph type="secondary">{t("import_ui.mapping_hint")}</Typography.Paragraph>
                <Row gutter={[12, 8]}>
                  {columns
                    .filter((c) => c.header)
                    .map((c) => (
                      <Col key={`${c.index}-${c.header}`} span={8}>
                        <Flex align="center" gap={8}>
                          <Typography.Text ellipsis style={{ width: 110 }} title={c.header}>
                            {c.header}
                          </Typography.Text>
                          <Select
                            size="small"
                            style={{ flex: 1 }}
                            value={overrides[c.header] ?? c.field ?? "ignore"}
                            options={fieldOptions}
                            onChange={(v) => {
                              const next = { ...overrides, [c.header]: v };
                              setOverrides(next);
                              if (hasNameColumn(columns, next)) void replan(options({ mapping: mappingOf(columns, next) }));
                            }}
                          />
                        </Flex>
                      </Col>
                    ))}
                </Row>
              </>
            ),
          },
        ]}
      />

      {report && (
        <>
          <Card size="small">
            <Row gutter={16}>
              {(
                [
                  ["rows", report.rows],
                  ["valid", valid],
                  ["invalid", invalid],
                  ["to_create", report.created.members],
                  ["to_update", report.updated.members],
                  ["unchanged", report.unchanged],
                  ["new_departments", report.created.departments],
                ] as const
              ).map(([key, value]) => (
                <Col key={key} flex="1">
                  <Statistic
                    title={t(`import_ui.${key}`)}
                    value={value}
                    valueStyle={key === "invalid" && value > 0 ? { color: "#cf1322" } : undefined}
                    data-testid={`import-count-${key}`}
                  />
                </Col>
              ))}
            </Row>
          </Card>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Segmented<RowFilter>
              value={filter}
              onChange={setFilter}
              options={[
                { value: "all", label: t("import_ui.filter_all", { count: preview!.counts.all }) },
                { value: "problems", label: t("import_ui.filter_problems", { count: preview!.counts.problems }) },
                { value: "invalid", label: t("import_ui.filter_invalid", { count: invalid }) },
              ]}
            />
            <Space>
              {invalid > 0 && <Typography.Text type="danger">{t("import_ui.fix_first", { count: invalid })}</Typography.Text>}
              {invalid > 0 && valid > 0 && (
                <Button onClick={() => commit(true)} data-testid="import-skip">
                  {t("import_ui.import_skip", { invalid, valid })}
                </Button>
              )}
              <Button type="primary" disabled={invalid > 0 || valid === 0} onClick={() => commit(false)} data-testid="import-commit">
                {t("import_ui.import_all", { count: valid })}
              </Button>
            </Space>
          </Flex>
          <div ref={box} style={{ flex: 1, minHeight: 160 }}>
            <Table<PreviewRow>
              data-testid="import-preview"
              size="small"
              rowKey="row"
              virtual
              loading={loading}
              pagination={pagination(page, total, turn, (n) => t("import_ui.rows_shown", { count: n }))}
              columns={tableColumns}
              dataSource={rows}
              scroll={{ x: 64 + 84 + 140 * mappedHeaders.length + 320, y: Math.max(height - 48 - 48, 120) }}
            />
          </div>
        </>
      )}

      <Modal open={progress !== null} closable={false} maskClosable={false} title={t("import_ui.running")} footer={[<Button key="c" danger onClick={() => api.importCancel()} data-testid="import-cancel">{t("import_ui.cancel")}</Button>]}>
        <Progress percent={progress && progress.total ? Math.round((progress.done / progress.total) * 100) : 0} status="active" />
        <Typography.Text type="secondary">{progress && t("import_ui.progress", { done: progress.done, total: progress.total })}</Typography.Text>
      </Modal>
    </div>
  );
}
