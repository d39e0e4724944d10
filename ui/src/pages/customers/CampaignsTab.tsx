import { useEffect, useMemo, useRef, useState } from "react";
import { Alert, App, Badge, Button, Calendar, Card, Col, DatePicker, Form, Input, List, Popconfirm, Row, Select, Space, Tag, Tooltip, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { api, call, type Campaign, type CampaignCheck, type CampaignInput, type Segment, type TagGroup } from "../../api";
import { latest, STALE } from "../../shell/latest";
import MemberPicker from "../../shell/MemberPicker";
import { usePresentation } from "../../shell/presentation";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { calendarDays } from "./customersView";

/**
 * The mass-message planner: the month's campaigns on a calendar, the days that break a rule
 * in red, the violations with the customers and members affected and the rule's source, and
 * a form to plan another.
 */
export default function CampaignsTab({ groups, segments }: { groups: TagGroup[]; segments: Segment[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const pres = usePresentation();
  const { revision, changed } = useWorkspace();
  const [month, setMonth] = useState<Dayjs>(() => dayjs().startOf("month"));
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [check, setCheck] = useState<CampaignCheck | null>(null);
  const [form] = Form.useForm();
  const run = useRef(latest()).current;
  const monthText = month.format("YYYY-MM");

  useEffect(() => {
    run(Promise.all([call(api.campaigns()), call(api.checkCampaigns(monthText))]))
      .then((r) => {
        if (r === STALE) return;
        setCampaigns(r[0]);
        setCheck(r[1]);
      })
      .catch(report);
  }, [monthText, revision, report, run]);

  // The month with campaigns nearest to today, when this one has none (a demo's plan).
  useEffect(() => {
    if (campaigns.length === 0 || campaigns.some((c) => (c.date ?? "").startsWith(monthText))) return;
    const first = [...campaigns].sort((a, b) => (a.date ?? "").localeCompare(b.date ?? ""))[0];
    if (first?.date) setMonth(dayjs(first.date).startOf("month"));
    // Only when the list changes: the user may leave a month empty on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [campaigns]);

  const days = useMemo(() => calendarDays(campaigns, check), [campaigns, check]);
  const reach = useMemo(() => new Map((check?.campaigns ?? []).map((c) => [c.id ?? 0, c])), [check]);

  const add = async (values: { date: Dayjs; senders: string[]; tags?: string[]; segments?: string[]; text: string }) => {
    const input: CampaignInput = { date: values.date.format("YYYY-MM-DD"), senders: values.senders, tags: values.tags ?? [], segments: values.segments ?? [], owners: [], text: values.text };
    try {
      await call(api.addCampaign(input));
      message.success(t("customers_ui.campaign_added"));
      form.resetFields();
      setMonth(values.date.startOf("month"));
      changed();
    } catch (e) {
      report(e);
    }
  };

  const remove = async (id: number) => {
    try {
      await call(api.deleteCampaign(id));
      changed();
    } catch (e) {
      report(e);
    }
  };

  const cell = (d: Dayjs) => {
    const entry = days.get(d.format("YYYY-MM-DD"));
    if (!entry) return null;
    const broken = entry.broken.size > 0;
    return (
      <div data-testid={`campaign-day-${d.format("YYYY-MM-DD")}`} data-broken={broken ? "true" : "false"} style={{ background: broken ? "#fff1f0" : undefined, borderRadius: 4, padding: 2 }}>
        {entry.campaigns.map((c) => (
          <Tooltip key={c.id} title={`${t("customers_ui.campaign_cell", { senders: c.senders?.length ?? 0, customers: reach.get(c.id ?? 0)?.customers ?? 0 })} · ${c.text}`}>
            <div style={{ fontSize: 12, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
              <Badge status={broken ? "error" : "processing"} text={t("customers_ui.campaign_cell_short", { customers: reach.get(c.id ?? 0)?.customers ?? 0 })} />
            </div>
          </Tooltip>
        ))}
      </div>
    );
  };

  const allTags = groups.flatMap((g) => g.tags.map((x) => ({ value: `${g.name}:${x.name}`, label: `${g.name} · ${x.name}` })));

  return (
    <Row gutter={16} data-testid="campaigns-tab">
      <Col xs={24} xl={15}>
        <Card size="small" title={t("customers_ui.calendar_title", { month: monthText })}>
          <Calendar value={month} onPanelChange={(d) => setMonth(d.startOf("month"))} onSelect={(d, info) => info.source === "date" && form.setFieldValue("date", d)} cellRender={(d, info) => (info.type === "date" ? cell(d) : null)} />
        </Card>
      </Col>
      <Col xs={24} xl={9}>
        <Space direction="vertical" size={16} style={{ width: "100%" }}>
          {check && (
            <Alert
              type={check.violations.length ? "error" : "success"}
              showIcon
              data-testid="campaign-violations"
              data-count={check.violations.length}
              message={check.violations.length ? t("customers_ui.violations", { count: check.violations.length }) : t("customers_ui.no_violations")}
              description={
                <Space direction="vertical" size={8}>
                  {check.violations.map((v, i) => (
                    <div key={i}>
                      <Tag color="error">{t(`customers_ui.rules.${v.code}`, { defaultValue: v.code })}</Tag> {pres.text(v.message)}
                      {v.customers.length > 0 && <div>{t("customers_ui.affected_customers", { names: v.customers.map((n) => pres.name(n)).join(t("customers_ui.separator")), count: v.affected })}</div>}
                      {v.members.length > 0 && <div>{t("customers_ui.affected_members", { names: v.members.join(t("customers_ui.separator")) })}</div>}
                      <div>
                        <Typography.Text type="secondary">{v.source}</Typography.Text>
                      </div>
                    </div>
                  ))}
                  <Typography.Text type="secondary">{check.old_rule}</Typography.Text>
                </Space>
              }
            />
          )}
          <Card size="small" title={t("customers_ui.campaign_add")}>
            <Form form={form} layout="vertical" onFinish={add}>
              <Form.Item name="date" label={t("customers_ui.date")} rules={[{ required: true }]}>
                <DatePicker style={{ width: "100%" }} />
              </Form.Item>
              <Form.Item name="senders" label={t("customers_ui.senders")} rules={[{ required: true }]}>
                <SendersPicker />
              </Form.Item>
              <Form.Item name="tags" label={t("customers_ui.audience_tags")}>
                <Select mode="multiple" allowClear options={allTags} />
              </Form.Item>
              <Form.Item name="segments" label={t("customers_ui.audience_segments")} extra={t("customers_ui.audience_hint")}>
                <Select mode="multiple" allowClear options={segments.map((s) => ({ value: s.key, label: s.name }))} />
              </Form.Item>
              <Form.Item name="text" label={t("customers_ui.text")} rules={[{ required: true, whitespace: true }]}>
                <Input.TextArea rows={3} />
              </Form.Item>
              <Button type="primary" htmlType="submit">
                {t("customers_ui.campaign_add")}
              </Button>
            </Form>
          </Card>
          <Card size="small" title={t("customers_ui.campaign_list")}>
            <List
              size="small"
              dataSource={campaigns.filter((c) => (c.date ?? "").startsWith(monthText))}
              locale={{ emptyText: t("customers_ui.campaign_none") }}
              renderItem={(c) => (
                <List.Item
                  actions={[
                    <Popconfirm key="delete" title={t("customers_ui.campaign_delete_confirm")} onConfirm={() => remove(c.id ?? 0)}>
                      <Button size="small" type="link" danger>
                        {t("common.delete")}
                      </Button>
                    </Popconfirm>,
                  ]}
                >
                  <List.Item.Meta title={`${c.date} · ${t("customers_ui.campaign_reach", { customers: reach.get(c.id ?? 0)?.customers ?? 0 })}`} description={c.text} />
                </List.Item>
              )}
            />
          </Card>
        </Space>
      </Col>
    </Row>
  );
}

/** Several senders, one picked at a time (the core searches members). */
function SendersPicker({ value = [], onChange }: { value?: string[]; onChange?: (v: string[]) => void }) {
  const [adding, setAdding] = useState<string | undefined>();
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space wrap>
        {value.map((u) => (
          <Tag key={u} closable onClose={() => onChange?.(value.filter((x) => x !== u))}>
            {u}
          </Tag>
        ))}
      </Space>
      <MemberPicker
        style={{ width: "100%" }}
        exclude={value}
        value={adding}
        onChange={(u) => {
          if (u) onChange?.([...value, u]);
          setAdding(undefined);
        }}
      />
    </Space>
  );
}
