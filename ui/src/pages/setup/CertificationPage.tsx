import { useEffect, useState } from "react";
import { Alert, App, Button, Card, Checkbox, Col, DatePicker, Descriptions, Form, Input, InputNumber, Radio, Row, Select, Space, Tag, Tooltip, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { ApiError, api, call, type CertificationPlan, type EntityType, type OrgProfile, type Platform } from "../../api";
import { describe, errorMessage } from "../../errors";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";

const ENTITY_TYPES: EntityType[] = ["enterprise", "education", "non_profit", "government", "overseas"];
const PLATFORMS: Platform[] = ["wecom", "dingtalk", "feishu", "undecided"];

interface ProfileValues {
  name: string;
  legal_name?: string;
  credit_code?: string;
  entity_type: EntityType;
  industry?: string;
  region?: string;
  headcount?: number;
  platform: Platform;
}

/** Guide §1: the organisation's legal details and the certification plan. */
export default function CertificationPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const { revision, changed } = useWorkspace();
  const [form] = Form.useForm<ProfileValues>();
  const [plan, setPlan] = useState<CertificationPlan | null>(null);
  const [profile, setProfile] = useState<OrgProfile | null>(null);

  useEffect(() => {
    Promise.all([call(api.appInfo()), call(api.certificationPlan())])
      .then(([info, p]) => {
        setPlan(p);
        const prof = info.workspace?.profile ?? null;
        setProfile(prof);
        if (prof)
          form.setFieldsValue({
            name: prof.name,
            legal_name: prof.legal_name ?? undefined,
            credit_code: prof.credit_code ?? undefined,
            entity_type: prof.entity_type,
            industry: prof.industry ?? undefined,
            region: prof.region ?? undefined,
            headcount: prof.headcount ?? undefined,
            platform: prof.platform,
          });
      })
      .catch(report);
  }, [revision, report, form]);

  const saveProfile = async () => {
    const v = await form.validateFields();
    try {
      await call(
        api.profileUpdate({
          name: v.name,
          platform: v.platform,
          legal_name: v.legal_name ?? "",
          credit_code: v.credit_code ?? "",
          entity_type: v.entity_type,
          industry: v.industry ?? "",
          region: v.region ?? "",
          headcount: v.headcount ?? 0,
        }),
      );
      message.success(t("cert_ui.profile_saved"));
      changed();
    } catch (e) {
      if (e instanceof ApiError && e.dto.key.startsWith("credit_code")) form.setFields([{ name: "credit_code", errors: [errorMessage(t, e.dto)] }]);
      message.error(describe(t, e));
    }
  };

  const savePlan = async (patch: { method?: string; submitted_on?: string | null; approved_on?: string | null; ready?: string[] }) => {
    if (!plan) return;
    const method = patch.method ?? plan.method;
    if (!method) return;
    try {
      const next = await call(
        api.certificationSet({
          method,
          submitted_on: patch.submitted_on !== undefined ? patch.submitted_on : plan.submitted_on,
          approved_on: patch.approved_on !== undefined ? patch.approved_on : plan.approved_on,
          ready: patch.ready ?? plan.materials.filter((m) => m.ready).map((m) => m.key),
        }),
      );
      setPlan(next);
      changed();
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  const day = (v: Dayjs | null) => (v ? v.format("YYYY-MM-DD") : null);

  return (
    <Row gutter={16} style={{ height: "100%", overflow: "auto" }}>
      <Col span={10}>
        <Card title={t("cert_ui.profile")}>
          <Form form={form} layout="vertical">
            <Form.Item name="name" label={t("fields.org_name")} rules={[{ required: true, whitespace: true }]}>
              <Input />
            </Form.Item>
            <Form.Item name="legal_name" label={t("fields.legal_name")}>
              <Input placeholder={t("cert_ui.legal_name_placeholder")} />
            </Form.Item>
            <Form.Item name="credit_code" label={t("fields.credit_code")} extra={t("cert_ui.credit_code_hint")}>
              <Input maxLength={24} data-testid="credit-code" style={{ fontFamily: "monospace" }} />
            </Form.Item>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="entity_type" label={t("fields.entity_type")}>
                  <Select options={ENTITY_TYPES.map((e) => ({ value: e, label: t(`entity_types.${e}`) }))} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="platform" label={t("fields.platform")}>
                  <Select options={PLATFORMS.map((p) => ({ value: p, label: t(`platforms.${p}`) }))} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="industry" label={t("fields.industry")}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="region" label={t("fields.region")}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="headcount" label={t("fields.headcount")}>
                  <InputNumber min={0} style={{ width: "100%" }} />
                </Form.Item>
              </Col>
            </Row>
            <Button type="primary" onClick={() => void saveProfile()} data-testid="profile-save">
              {t("common.save")}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col span={14}>
        {plan && (
          <Card title={t("cert_ui.plan")} extra={<Typography.Text type="secondary">{t("cert_ui.checked", { date: plan.checked })}</Typography.Text>}>
            {plan.headcount && <Alert type={plan.headcount.over ? "warning" : "info"} showIcon message={plan.headcount.message} style={{ marginBottom: 12 }} />}
            {plan.entity_note && <Alert type="info" showIcon message={plan.entity_note} style={{ marginBottom: 12 }} />}
            <Radio.Group value={plan.method} onChange={(e) => void savePlan({ method: e.target.value as string })} style={{ width: "100%" }}>
              <Space direction="vertical" style={{ width: "100%" }}>
                {plan.methods.map((m) => (
                  <Radio key={m.key} value={m.key}>
                    <Space wrap size={4}>
                      <Typography.Text strong data-testid={`method-${m.key}`}>
                        {m.name}
                      </Typography.Text>
                      <Tag>{t("cert_ui.days", { min: m.review_min_days, max: m.review_max_days })}</Tag>
                      <Tag>{m.renewal_months ? t("cert_ui.renewal", { months: m.renewal_months }) : t("cert_ui.no_renewal")}</Tag>
                      {m.fee && (
                        <Tooltip title={`${m.fee.note}（${t(`confidences.${m.fee.confidence}`)} · ${m.fee.source}）`}>
                          <Tag color="blue" data-testid={`fee-${m.key}`}>
                            {m.fee.yuan === 0
                              ? t("cert_ui.fee_exempt")
                              : t(m.fee.per_year ? "cert_ui.fee_per_year" : "cert_ui.fee_once", { yuan: m.fee.yuan })}
                          </Tag>
                        </Tooltip>
                      )}
                      {m.confidence === "unsourced" && <Tag color="orange">{t("cert_ui.unsourced")}</Tag>}
                    </Space>
                    <div>
                      <Typography.Text type="secondary">{m.note ?? m.description}</Typography.Text>
                    </div>
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
            {plan.method && (
              <>
                <Typography.Title level={5} style={{ marginTop: 16 }}>
                  {t("cert_ui.materials")}
                </Typography.Title>
                <Checkbox.Group
                  value={plan.materials.filter((m) => m.ready).map((m) => m.key)}
                  onChange={(v) => void savePlan({ ready: v as string[] })}
                  options={plan.materials.map((m) => ({ value: m.key, label: m.name }))}
                />
                <Row gutter={12} style={{ marginTop: 16 }}>
                  <Col span={12}>
                    <Typography.Text>{t("cert_ui.submitted")}</Typography.Text>
                    <DatePicker
                      style={{ width: "100%" }}
                      value={plan.submitted_on ? dayjs(plan.submitted_on) : null}
                      onChange={(v) => void savePlan({ submitted_on: day(v) })}
                      data-testid="submitted-on"
                    />
                  </Col>
                  <Col span={12}>
                    <Typography.Text>{t("cert_ui.approved")}</Typography.Text>
                    <DatePicker style={{ width: "100%" }} value={plan.approved_on ? dayjs(plan.approved_on) : null} onChange={(v) => void savePlan({ approved_on: day(v) })} />
                  </Col>
                </Row>
                <Descriptions column={1} size="small" style={{ marginTop: 16 }} bordered>
                  <Descriptions.Item label={t("cert_ui.window")}>
                    {plan.expected_earliest ? `${plan.expected_earliest} ~ ${plan.expected_latest}` : t("cert_ui.not_submitted")}
                    {!plan.holidays_known && <Typography.Text type="warning"> {t("cli.holidays_unknown")}</Typography.Text>}
                  </Descriptions.Item>
                  <Descriptions.Item label={t("cert_ui.next_review")}>{plan.next_review ?? t("cert_ui.no_renewal")}</Descriptions.Item>
                  <Descriptions.Item label={t("cert_ui.missing")}>{plan.missing.length ? plan.missing.join("、") : t("cert_ui.all_ready")}</Descriptions.Item>
                </Descriptions>
              </>
            )}
            {profile && !profile.credit_code && <Alert style={{ marginTop: 12 }} type="warning" showIcon message={t("cert_ui.profile_first")} />}
          </Card>
        )}
      </Col>
    </Row>
  );
}
