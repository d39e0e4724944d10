import { useEffect, useMemo, useState } from "react";
import { App, Button, Card, Col, Collapse, Flex, InputNumber, Rate, Row, Segmented, Select, Space, Switch, Table, Tag, Tooltip, Typography } from "antd";
import { ExportOutlined, LinkOutlined } from "@ant-design/icons";
import { save } from "@tauri-apps/plugin-dialog";
import { openUrl } from "@tauri-apps/plugin-opener";
import { useTranslation } from "react-i18next";
import { api, call, type CompareRow, type Fit, type Need, type NeedDefinition } from "../../api";
import { describe } from "../../errors";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { PLATFORMS, filterRows, sourceUrl, valueText } from "./compareView";

const CONFIDENCES = ["official", "third-party", "uncertain", "unsourced"];
const CONFIDENCE_COLORS: Record<string, string> = { official: "green", "third-party": "blue", uncertain: "orange", unsourced: "default" };
const BAR_COLORS: Record<string, string> = { wecom: "#1aad19", dingtalk: "#1677ff", feishu: "#3370ff" };

type Level = "off" | "nice" | "must";

/** Three columns of sourced facts, the business's needs beside them, and the fit score. */
export default function ComparePage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as "zh-CN" | "en-US";
  const { message } = App.useApp();
  const report = useReport();
  const { revision, changed } = useWorkspace();
  const [rows, setRows] = useState<CompareRow[]>([]);
  const [defs, setDefs] = useState<NeedDefinition[]>([]);
  const [needs, setNeeds] = useState<Need[]>([]);
  const [fit, setFit] = useState<Partial<Record<string, Fit>>>({});
  const [category, setCategory] = useState<string | null>(null);
  const [onlyDiff, setOnlyDiff] = useState(false);
  const [confidences, setConfidences] = useState<string[]>([]);

  useEffect(() => {
    Promise.all([call(api.compareRows()), call(api.needDefinitions())])
      .then(([r, d]) => {
        setRows(r);
        setDefs(d);
      })
      .catch(report);
  }, [report]);

  useEffect(() => {
    Promise.all([call(api.listNeeds()), call(api.platformFit())])
      .then(([n, f]) => {
        setNeeds(n);
        setFit(f);
      })
      .catch(report);
  }, [revision, report]);

  const shown = useMemo(() => filterRows(rows, category, onlyDiff, confidences), [rows, category, onlyDiff, confidences]);
  const categories = useMemo(() => {
    const seen = new Map<string, string>();
    for (const r of rows) seen.set(r.category, r.category_name[lang]);
    return [...seen.entries()];
  }, [rows, lang]);

  const setNeed = async (def: NeedDefinition, level: Level, weight: number, value: number | null) => {
    try {
      if (level === "off") {
        if (needs.some((n) => n.key === def.key)) await call(api.unsetNeed(def.key));
      } else {
        await call(api.setNeed({ key: def.key, importance: level, weight, value: def.type === "number" ? value ?? 0 : null }));
      }
      changed();
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  const exportWorkbook = async () => {
    const path = await save({ defaultPath: `${t("compare_ui.sheet_compare")}.xlsx`, filters: [{ name: "Excel", extensions: ["xlsx"] }] });
    if (!path) return;
    try {
      await call(api.exportComparison(path));
      message.success(t("compare_ui.exported", { path }));
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  const cell = (r: CompareRow, platform: string) => {
    const c = r.cells[platform];
    if (!c) return null;
    const url = sourceUrl(c.source);
    const tip = (
      <div style={{ maxWidth: 360 }}>
        {c.note && <div>{c.note[lang]}</div>}
        <div>{c.source ?? t("compare_ui.no_source")}</div>
        <div>{t("compare_ui.checked", { date: c.checked })}</div>
        {c.history.length > 0 && (
          <div style={{ marginTop: 6 }}>
            {t("compare_ui.history")}：
            {c.history.map((h, i) => (
              <div key={i}>
                · {valueText(t, lang, h)}（{h.source ?? "-"}，{h.checked}）
              </div>
            ))}
          </div>
        )}
      </div>
    );
    return (
      <Tooltip title={tip}>
        <Space direction="vertical" size={2}>
          <Typography.Text type={c.value ? undefined : "secondary"}>{valueText(t, lang, c)}</Typography.Text>
          <Space size={4}>
            <Tag color={CONFIDENCE_COLORS[c.confidence]}>{t(`confidences.${c.confidence}`)}</Tag>
            {url && (
              <Button size="small" type="link" icon={<LinkOutlined />} aria-label={t("compare_ui.open_source")} onClick={() => openUrl(url)} />
            )}
            {c.history.length > 0 && <Tag>+{c.history.length}</Tag>}
          </Space>
        </Space>
      </Tooltip>
    );
  };

  const columns = [
    {
      title: t("compare_ui.category"),
      key: "category",
      width: 120,
      onCell: (r: CompareRow, i?: number) => {
        const idx = i ?? 0;
        const first = idx === 0 || shown[idx - 1].category !== r.category;
        const span = first ? shown.slice(idx).findIndex((x) => x.category !== r.category) : 0;
        return { rowSpan: first ? (span === -1 ? shown.length - idx : span) : 0, style: { verticalAlign: "top" } };
      },
      render: (_: unknown, r: CompareRow) => r.category_name[lang],
    },
    {
      title: t("compare_ui.capability"),
      key: "name",
      width: 200,
      render: (_: unknown, r: CompareRow) => (
        <span data-testid="compare-row">
          {lang === "zh-CN" ? r.name.zh : r.name.en}
          {r.differs && <Tag color="purple" style={{ marginLeft: 6 }}>≠</Tag>}
        </span>
      ),
    },
    ...PLATFORMS.map((p) => ({ title: t(`platforms.${p}`), key: p, render: (_: unknown, r: CompareRow) => cell(r, p) })),
  ];

  const scored = PLATFORMS.some((p) => fit[p]?.score !== null && fit[p]?.score !== undefined);

  return (
    <Row gutter={16} style={{ height: "100%" }} wrap={false}>
      <Col flex="auto" style={{ minWidth: 0, height: "100%" }}>
        <Card style={{ height: "100%", overflow: "auto" }} styles={{ body: { padding: 12 } }}>
          <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t("compare_ui.title")}
            </Typography.Title>
            <Select
              style={{ width: 180 }}
              value={category ?? "__all"}
              onChange={(v) => setCategory(v === "__all" ? null : v)}
              options={[{ value: "__all", label: t("compare_ui.all_categories") }, ...categories.map(([k, n]) => ({ value: k, label: n }))]}
            />
            <Space>
              <Switch checked={onlyDiff} onChange={setOnlyDiff} data-testid="only-diff" />
              {t("compare_ui.only_diff")}
            </Space>
            <Select
              mode="multiple"
              allowClear
              style={{ minWidth: 200 }}
              placeholder={t("compare_ui.confidence_filter")}
              value={confidences}
              onChange={setConfidences}
              options={CONFIDENCES.map((c) => ({ value: c, label: t(`confidences.${c}`) }))}
            />
            <Typography.Text type="secondary" data-testid="compare-count">
              {t("compare_ui.rows_count", { count: shown.length })}
            </Typography.Text>
            <Button icon={<ExportOutlined />} onClick={exportWorkbook} style={{ marginLeft: "auto" }}>
              {t("compare_ui.export")}
            </Button>
          </Flex>
          <Table<CompareRow> size="small" bordered pagination={false} rowKey="id" columns={columns} dataSource={shown} data-testid="compare-table" />
        </Card>
      </Col>
      <Col flex="380px" style={{ height: "100%" }}>
        <Flex vertical gap={12} style={{ height: "100%", overflow: "auto" }}>
          <Card size="small" title={t("compare_ui.score_title")} data-testid="fit-card">
            {!scored ? (
              <Typography.Text type="secondary">{t("compare_ui.score_neutral")}</Typography.Text>
            ) : (
              <>
                <svg width="100%" viewBox="0 0 340 110" role="img" aria-label={t("compare_ui.score_title")}>
                  {PLATFORMS.map((p, i) => {
                    const f = fit[p];
                    const score = f?.score ?? 0;
                    const out = (f?.ruled_out_by.length ?? 0) > 0;
                    return (
                      <g key={p} transform={`translate(0 ${i * 36})`}>
                        <text x="0" y="20" fontSize="13">
                          {t(`platforms.${p}`)}
                        </text>
                        <rect x="70" y="6" width="220" height="20" rx="3" fill="#f0f0f0" />
                        <rect x="70" y="6" width={2.2 * score} height="20" rx="3" fill={out ? "#ff7875" : BAR_COLORS[p]} />
                        <text x="296" y="20" fontSize="13">
                          {out ? "✕" : ""}
                          {score}
                        </text>
                      </g>
                    );
                  })}
                </svg>
                <Collapse
                  size="small"
                  items={PLATFORMS.map((p) => ({
                    key: p,
                    label: (
                      <Space>
                        {t(`platforms.${p}`)}
                        <Tag>{fit[p]?.score ?? "-"}</Tag>
                        {(fit[p]?.ruled_out_by.length ?? 0) > 0 && <Tag color="red">{t("compare_ui.ruled_out")}</Tag>}
                      </Space>
                    ),
                    children: (
                      <ul style={{ paddingLeft: 18, margin: 0 }}>
                        {fit[p]?.reasons.map((r, i) => (
                          <li key={i}>
                            <Typography.Text type={r.effect === "rules_out" || r.effect === "minus" ? "danger" : r.effect === "unknown" ? "warning" : undefined}>
                              {r.message}
                            </Typography.Text>
                          </li>
                        ))}
                      </ul>
                    ),
                  }))}
                />
              </>
            )}
          </Card>
          <Card size="small" title={t("compare_ui.needs_title")} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{needs.length}</Typography.Text>}>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t("compare_ui.needs_hint")}
            </Typography.Paragraph>
            {defs.map((d) => {
              const n = needs.find((x) => x.key === d.key);
              const level: Level = n ? n.importance : "off";
              return (
                <div key={d.key} style={{ marginBottom: 10 }} data-testid={`need-${d.key}`}>
                  <div style={{ marginBottom: 4 }}>{d.name[lang]}</div>
                  <Space wrap size={6}>
                    <Segmented<Level>
                      size="small"
                      value={level}
                      onChange={(l) => setNeed(d, l, n?.weight ?? 3, n?.value ?? null)}
                      options={[
                        { value: "off", label: t("compare_ui.need_off") },
                        { value: "nice", label: t("compare_ui.need_nice") },
                        { value: "must", label: t("compare_ui.need_must") },
                      ]}
                    />
                    {level === "nice" && d.type === "bool" && <Rate count={5} value={n?.weight ?? 3} onChange={(w) => setNeed(d, "nice", w || 1, null)} style={{ fontSize: 14 }} />}
                    {level !== "off" && d.type === "number" && (
                      <InputNumber
                        size="small"
                        min={0}
                        value={n?.value ?? undefined}
                        addonAfter={d.unit?.[lang]}
                        onChange={(v) => v !== null && setNeed(d, level, n?.weight ?? 3, Number(v))}
                      />
                    )}
                  </Space>
                </div>
              );
            })}
          </Card>
        </Flex>
      </Col>
    </Row>
  );
}
