import { useEffect, useRef, useState } from "react";
import { usesField } from "./approvalsView";
import { Alert, Card, Col, Empty, Form, InputNumber, Row, Select, Space, Steps, Table, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { api, call, type Chain, type FitFeature, type TemplateInfo } from "../../api";
import { latest, STALE } from "../../shell/latest";
import MemberPicker from "../../shell/MemberPicker";
import { usePresentation } from "../../shell/presentation";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";

/** What was last simulated, kept while the user fixes the org on another page. */
const remembered: { key?: string; applicant?: string; amount: number | null; days: number | null } = { amount: null, days: null };

const CONFIDENCE_COLORS: Record<string, string> = { official: "green", "third-party": "blue", guide: "gold", uncertain: "orange", unsourced: "default" };

/**
 * "Who approves this?": pick a template, an applicant and what they fill in, and see the chain
 * the workspace routes them through — recomputed after every change to the org (a new department
 * head shows at once). Beside it, what each platform can express of the template.
 */
export default function Simulator({ templates }: { templates: TemplateInfo[] }) {
  const { t, i18n } = useTranslation();
  const pres = usePresentation();
  const report = useReport();
  const { revision } = useWorkspace();
  const [key, setKey] = useState<string | undefined>(remembered.key ?? templates[0]?.template.key);
  const [applicant, setApplicant] = useState<string | undefined>(remembered.applicant);
  const [amount, setAmount] = useState<number | null>(remembered.amount);
  const [days, setDays] = useState<number | null>(remembered.days);
  const [chain, setChain] = useState<Chain | null>(null);
  const [fit, setFit] = useState<FitFeature[]>([]);
  const run = useRef(latest()).current;

  useEffect(() => {
    if ((!key || !templates.some((x) => x.template.key === key)) && templates[0]) setKey(templates[0].template.key);
  }, [key, templates]);

  useEffect(() => {
    Object.assign(remembered, { key, applicant, amount, days });
  }, [key, applicant, amount, days]);

  useEffect(() => {
    if (!key || !applicant) return setChain(null);
    run(call(api.approvalRoute(key, applicant, amount, days)))
      .then((c) => c !== STALE && setChain(c))
      .catch(report);
  }, [key, applicant, amount, days, revision, report, run]);

  useEffect(() => {
    if (!key) return setFit([]);
    call(api.approvalFit(key)).then(setFit, report);
  }, [key, report, i18n.language]);

  const current = templates.find((x) => x.template.key === key)?.template;

  const stepItems = (c: Chain) => [
    { title: pres.name(c.applicant_name), description: t("approvals_ui.applicant"), status: "finish" as const },
    ...c.steps.map((s, i) => {
      const broken = c.problems.some((p) => p.step === i);
      return {
        title: (
          <span data-testid={`chain-step-${i}`}>
            {s.skipped
              ? t("approvals_ui.skipped")
              : s.approvers.length === 0
                ? t("approvals_ui.nobody")
                : s.approvers.map((a) => pres.name(a.name)).join("、")}
          </span>
        ),
        description: (
          <Space direction="vertical" size={0}>
            {s.approvers[0] && <Typography.Text type="secondary">{s.approvers[0].reason}</Typography.Text>}
            {s.skipped && (
              <Typography.Text type="secondary">
                {t(`approvals_ui.skip_${s.skip_reason}`)}: {s.skipped_approvers.map((a) => pres.name(a.name)).join("、")}
              </Typography.Text>
            )}
            {s.approvers.length > 1 && <Tag>{t(`approvals_ui.mode_${s.mode}`)}</Tag>}
          </Space>
        ),
        status: broken ? ("error" as const) : s.skipped ? ("wait" as const) : ("process" as const),
      };
    }),
  ];

  return (
    <Row gutter={16}>
      <Col xs={24} xl={15}>
        <Card title={t("approvals_ui.simulator")}>
          <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
            <Form.Item label={t("approvals_ui.template")}>
              <Select
                data-testid="sim-template"
                style={{ width: 180 }}
                value={key}
                onChange={setKey}
                options={templates.map((x) => ({ value: x.template.key, label: x.template.name[i18n.language === "en-US" ? "en-US" : "zh-CN"] || x.template.key }))}
              />
            </Form.Item>
            <Form.Item label={t("approvals_ui.applicant")}>
              <MemberPicker data-testid="sim-applicant" style={{ width: 220 }} value={applicant} onChange={setApplicant} placeholder={t("approvals_ui.pick_applicant")} />
            </Form.Item>
            {usesField(current, "amount") && (
              <Form.Item label={t("approvals_ui.field_amount")}>
                <InputNumber data-testid="sim-amount" min={0} value={amount} onChange={(v) => setAmount(v ?? null)} />
              </Form.Item>
            )}
            {usesField(current, "days") && (
              <Form.Item label={t("approvals_ui.field_days")}>
                <InputNumber data-testid="sim-days" min={0} value={days} onChange={(v) => setDays(v ?? null)} />
              </Form.Item>
            )}
          </Form>
          {((usesField(current, "amount") && amount === null) || (usesField(current, "days") && days === null)) && (
            <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t("approvals_ui.fill_in")} />
          )}
          {!chain ? (
            <Empty description={t("approvals_ui.pick_hint")} />
          ) : (
            <div data-testid="chain">
              <Typography.Paragraph type="secondary">
                {chain.route === null ? t("approvals_ui.no_route") : t("approvals_ui.route_taken", { route: chain.route + 1 })}
              </Typography.Paragraph>
              <Steps size="small" items={stepItems(chain)} style={{ overflowX: "auto", paddingBottom: 8 }} />
              {chain.cc.length > 0 && (
                <Typography.Paragraph style={{ marginTop: 12 }}>
                  {t("approvals_ui.cc")}: {chain.cc.map((a) => pres.name(a.name)).join("、")}
                </Typography.Paragraph>
              )}
              <Space direction="vertical" style={{ width: "100%", marginTop: 12 }}>
                {chain.problems.map((p, i) => (
                  <Alert key={i} type="error" showIcon data-testid="chain-problem" message={<Tag>{p.code}</Tag>} description={p.message} />
                ))}
                {chain.problems.length === 0 && <Alert type="success" showIcon data-testid="chain-sound" message={t("approvals_ui.sound")} />}
              </Space>
            </div>
          )}
        </Card>
      </Col>
      <Col xs={24} xl={9}>
        <Card title={t("approvals_ui.fit")}>
          <Table
            size="small"
            pagination={false}
            rowKey="feature"
            dataSource={fit}
            columns={[
              { title: t("approvals_ui.feature"), dataIndex: "name", width: 130 },
              ...["wecom", "dingtalk", "feishu"].map((p, i) => ({
                title: t(`platforms.${p}`),
                key: p,
                render: (_: unknown, f: FitFeature) => {
                  const c = f.platforms[i];
                  return (
                    <Space direction="vertical" size={0}>
                      {c.text && <Typography.Text style={{ fontSize: 12 }}>{c.text}</Typography.Text>}
                      <Tag color={CONFIDENCE_COLORS[c.confidence]} title={c.source ?? undefined}>
                        {t(`confidences.${c.confidence}`)}
                      </Tag>
                    </Space>
                  );
                },
              })),
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
