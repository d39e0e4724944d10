import { useEffect, useMemo, useRef, useState } from "react";
import { Alert, App, Button, Card, Col, DatePicker, Input, InputNumber, Progress, Row, Segmented, Select, Space, Table, Tag, Tooltip, Typography, Upload } from "antd";
import { ImportOutlined, InboxOutlined, SearchOutlined } from "@ant-design/icons";
import { Channel } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";
import dayjs from "dayjs";
import { useTranslation } from "react-i18next";
import { api, ApiError, call, type Customer, type CustomerFile, type CustomerFinding, type CustomersImport, type Rfm, type RfmOptions, type Scoring, type Segment, type TagGroup, type TaskProgress } from "../../api";
import { describe } from "../../errors";
import EChart from "../../shell/EChart";
import { latest, STALE } from "../../shell/latest";
import MemberPicker from "../../shell/MemberPicker";
import { usePresentation } from "../../shell/presentation";
import { pagination, usePaged } from "../../shell/usePaged";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { fileBytes } from "../import/importView";
import { important, layerColor, segmentChart } from "./customersView";

const ACCEPT = ".xlsx,.xls,.csv,.ods";

/**
 * The customers: imports of customer and order lists, the platform's limits, the RFM segments
 * as a chart (as of a date, over a window; written as value tags on request) and the customers
 * a page at a time, filtered by owner, tag, segment or a search.
 */
export default function CustomerList({ groups, onSegments }: { groups: TagGroup[]; onSegments: (s: Segment[]) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const pres = usePresentation();
  const { revision, changed } = useWorkspace();
  const [options, setOptions] = useState<RfmOptions>({ as_of: null, window_days: 365, scoring: "mean" });
  const [rfm, setRfm] = useState<Rfm | null>(null);
  const [findings, setFindings] = useState<CustomerFinding[]>([]);
  const [search, setSearch] = useState("");
  const [owner, setOwner] = useState<string | undefined>();
  const [tag, setTag] = useState<string | undefined>();
  const [segment, setSegment] = useState<string | undefined>();
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const [busy, setBusy] = useState<CustomerFile | null>(null);
  const run = useRef(latest()).current;

  useEffect(() => {
    run(Promise.all([call(api.rfm(options)), call(api.customerFindings())]))
      .then((r) => {
        if (r === STALE) return;
        setRfm(r[0]);
        onSegments(r[0].segments);
        setFindings(r[1]);
      })
      .catch(report);
  }, [options, revision, report, run, onSegments]);

  const filter = `${search}\u0000${owner ?? ""}\u0000${tag ?? ""}\u0000${segment ?? ""}\u0000${JSON.stringify(options)}`;
  const { rows, total, page, loading, turn } = usePaged(
    (offset, limit) =>
      call(api.customerPage({ search: search || null, owner: owner ?? null, tag: tag ?? null }, segment ?? null, options, offset, limit)).then((p) => ({
        total: p.total,
        members: p.customers,
      })),
    filter,
    revision,
    report,
  );

  const imported = (r: CustomersImport, kind: CustomerFile) => {
    if (r.committed) {
      message.success(t(`customers_ui.imported_${kind}`, { added: r.added, updated: r.updated, owners: r.owners_added, tags: r.tags_added }));
      changed();
    } else {
      const first = r.problems[0];
      message.error(first ? t("customers_ui.refused", { count: r.problem_count ?? r.problems.length, row: first.row, message: first.message }) : t("customers_ui.empty_file"), 8);
    }
  };

  const importBytes = async (file: File, kind: CustomerFile) => {
    setBusy(kind);
    try {
      imported(await call(api.importCustomerBytes(file.name, await fileBytes(file), kind, false)), kind);
    } catch (e) {
      message.error(describe(t, e));
    } finally {
      setBusy(null);
    }
  };

  const importPath = async (kind: CustomerFile) => {
    const path = await open({ multiple: false, directory: false, filters: [{ name: "Excel / CSV", extensions: ACCEPT.replace(/\./g, "").split(",") }] });
    if (typeof path !== "string") return;
    const channel = new Channel<TaskProgress>();
    channel.onmessage = setProgress;
    setProgress({ done: 0, total: 1 });
    try {
      imported(await call(api.importCustomerFile(path, kind, false, channel)), kind);
    } catch (e) {
      if (e instanceof ApiError && e.dto.code === "cancelled") message.info(t("customers_ui.cancelled"));
      else message.error(describe(t, e));
    } finally {
      setProgress(null);
    }
  };

  const applyRfm = async () => {
    try {
      const r = await call(api.applyRfm(options));
      message.success(t("customers_ui.rfm_applied", { count: r.segments.reduce((n, s) => n + s.count, 0) }));
      changed();
    } catch (e) {
      report(e);
    }
  };

  const chart = useMemo(() => (rfm && rfm.thresholds ? segmentChart(rfm.segments, { customers: t("customers_ui.chart_customers"), revenue: t("customers_ui.chart_revenue") }) : null), [rfm, t]);

  const tagOptions = useMemo(
    () => groups.map((g) => ({ label: `${g.name} · ${t(`customers_ui.layers.${g.layer}`)}`, options: g.tags.map((x) => ({ value: `${g.name}:${x.name}`, label: `${x.name} (${x.customers})` })) })),
    [groups, t],
  );

  const columns = useMemo(
    () => [
      { title: t("customers_ui.name"), dataIndex: "name", width: 160, render: (n: string) => pres.name(n) },
      { title: t("customers_ui.mobile"), dataIndex: "mobile", width: 140, render: (m: string | null) => pres.mobile(m) },
      {
        title: t("customers_ui.owners"),
        key: "owners",
        width: 200,
        render: (_: unknown, c: Customer) => (
          <Space size={4} wrap>
            {c.owners.map((o) => (
              <Tooltip key={o.userid} title={[o.userid, o.added_at, o.source].filter(Boolean).join(" · ")}>
                <Tag color={o.status === "active" ? undefined : "red"}>{pres.name(o.name)}</Tag>
              </Tooltip>
            ))}
          </Space>
        ),
      },
      {
        title: t("customers_ui.tags"),
        key: "tags",
        width: 320,
        render: (_: unknown, c: Customer) => (
          <Space size={4} wrap>
            {c.tags.map((x) => (
              <Tag key={`${x.group}:${x.name}`} color={layerColor(x.layer)}>
                {x.name}
              </Tag>
            ))}
          </Space>
        ),
      },
      { title: t("customers_ui.orders"), dataIndex: "orders", width: 80, align: "right" as const },
      { title: t("customers_ui.company"), dataIndex: "company", width: 160, render: (v: string | null) => v ?? "" },
    ],
    [t, pres],
  );

  const drop = (kind: CustomerFile) => (
    <div data-testid={`${kind}-drop`}>
      <Upload.Dragger
        accept={ACCEPT}
        multiple={false}
        showUploadList={false}
        disabled={busy !== null}
        beforeUpload={(file) => {
          void importBytes(file, kind);
          return false;
        }}
        styles={{ root: { padding: 0 } }}
      >
        <p className="ant-upload-text" style={{ margin: 0 }}>
          <InboxOutlined style={{ color: "#1677ff", marginInlineEnd: 8 }} />
          {busy === kind ? t("customers_ui.reading") : t(`customers_ui.drop_${kind}`)}
        </p>
        <p className="ant-upload-hint" style={{ margin: 0 }}>
          {t(`customers_ui.drop_hint_${kind}`)}
        </p>
      </Upload.Dragger>
    </div>
  );

  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }}>
      <Card
        size="small"
        title={t("customers_ui.import_title")}
        extra={
          <Space>
            <Button icon={<ImportOutlined />} onClick={() => importPath("customers")} loading={progress !== null}>
              {t("customers_ui.import_customers")}
            </Button>
            <Button icon={<ImportOutlined />} onClick={() => importPath("orders")} loading={progress !== null}>
              {t("customers_ui.import_orders")}
            </Button>
          </Space>
        }
      >
        {progress && (
          <Space style={{ width: "100%", marginBottom: 8 }}>
            <Progress percent={progress.total ? Math.floor((progress.done * 100) / progress.total) : 0} style={{ width: 320 }} />
            <Button size="small" onClick={() => void call(api.importCancel())}>
              {t("common.cancel")}
            </Button>
          </Space>
        )}
        <Row gutter={16}>
          <Col span={12}>{drop("customers")}</Col>
          <Col span={12}>{drop("orders")}</Col>
        </Row>
      </Card>
      {findings.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="customer-findings"
          message={t("customers_ui.findings", { count: findings.length })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {findings.map((f) => (
                <li key={`${f.code}:${f.member ?? ""}`}>
                  {pres.text(f.message)} <Typography.Text type="secondary">({f.source})</Typography.Text>
                </li>
              ))}
            </ul>
          }
        />
      )}
      <Card
        size="small"
        title={t("customers_ui.rfm_title")}
        extra={
          <Space wrap>
            {t("customers_ui.as_of")}
            <DatePicker
              allowClear
              placeholder={t("customers_ui.today")}
              value={options.as_of ? dayjs(options.as_of) : null}
              onChange={(d) => setOptions((o) => ({ ...o, as_of: d ? d.format("YYYY-MM-DD") : null }))}
              data-testid="rfm-as-of"
            />
            {t("customers_ui.window")}
            <InputNumber min={1} max={3650} value={options.window_days ?? 365} onChange={(v) => setOptions((o) => ({ ...o, window_days: v ?? 365 }))} addonAfter={t("customers_ui.days")} style={{ width: 130 }} />
            <Segmented<Scoring> value={options.scoring} onChange={(v) => setOptions((o) => ({ ...o, scoring: v }))} options={(["mean", "quintile"] as const).map((s) => ({ value: s, label: t(`customers_ui.scoring.${s}`) }))} />
            <Button type="primary" onClick={applyRfm} disabled={!rfm?.thresholds} data-testid="rfm-apply">
              {t("customers_ui.rfm_apply")}
            </Button>
          </Space>
        }
      >
        {rfm && rfm.thresholds ? (
          <Row gutter={16}>
            <Col xs={24} xl={14}>
              <EChart option={chart ?? {}} testId="chart-rfm" height={280} />
            </Col>
            <Col xs={24} xl={10}>
              <Typography.Paragraph type="secondary" data-testid="rfm-thresholds">
                {t("customers_ui.thresholds", { as_of: rfm.as_of, days: rfm.window_days, r: (rfm.thresholds.r ?? 0).toFixed(1), f: (rfm.thresholds.f ?? 0).toFixed(2), m: (rfm.thresholds.m ?? 0).toFixed(2) })}
              </Typography.Paragraph>
              <Space direction="vertical" style={{ width: "100%" }}>
                {rfm.segments.map((s) => (
                  <div
                    key={s.key}
                    data-testid={`segment-${s.key}`}
                    data-count={s.count}
                    onClick={() => setSegment((cur) => (cur === s.key ? undefined : s.key))}
                    style={{ display: "flex", justifyContent: "space-between", cursor: "pointer", fontWeight: segment === s.key ? 600 : undefined }}
                  >
                    <Tag color={important(s.key) ? "blue" : undefined}>{s.name}</Tag>
                    <span>
                      {t("customers_ui.segment_line", { count: s.count, revenue: (s.revenue ?? 0).toLocaleString(undefined, { maximumFractionDigits: 0 }) })}
                    </span>
                  </div>
                ))}
              </Space>
            </Col>
          </Row>
        ) : (
          <Typography.Text type="secondary">{t("customers_ui.rfm_empty")}</Typography.Text>
        )}
      </Card>
      <Card size="small" title={t("customers_ui.list_title")}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Input allowClear prefix={<SearchOutlined />} placeholder={t("customers_ui.search")} value={search} onChange={(e) => setSearch(e.target.value)} style={{ width: 220 }} data-testid="customer-search" />
          <MemberPicker allowClear placeholder={t("customers_ui.owner")} value={owner} onChange={(v) => setOwner(v ?? undefined)} style={{ width: 200 }} />
          <Select allowClear showSearch placeholder={t("customers_ui.tag")} value={tag} onChange={setTag} options={tagOptions} style={{ width: 220 }} />
          <Select
            allowClear
            placeholder={t("customers_ui.segment")}
            value={segment}
            onChange={setSegment}
            options={(rfm?.segments ?? []).map((s) => ({ value: s.key, label: s.name }))}
            style={{ width: 180 }}
            data-testid="customer-segment"
          />
        </Space>
        <Table<Customer>
          data-testid="customer-table"
          rowKey="id"
          size="small"
          virtual
          scroll={{ x: 1060, y: 480 }}
          columns={columns}
          dataSource={rows}
          loading={loading}
          pagination={pagination(page, total, turn, (n) => <span data-testid="customer-count">{t("customers_ui.count", { count: n })}</span>)}
          locale={{ emptyText: t("customers_ui.empty") }}
        />
      </Card>
    </Space>
  );
}
