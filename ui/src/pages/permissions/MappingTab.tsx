import { useEffect, useState } from "react";
import { Card, Col, Empty, List, Row, Segmented, Space, Tag, Typography } from "antd";
import { CheckOutlined, CloseOutlined, InfoCircleOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { api, call, type Platform, type RoleOnPlatform } from "../../api";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";

const PLATFORMS: Platform[] = ["wecom", "dingtalk", "feishu"];
const CONFIDENCE_COLORS: Record<string, string> = { official: "green", "third-party": "blue", uncertain: "orange", unsourced: "default" };

/** How each role would be set up in the chosen platform's console, and what it cannot express. */
export default function MappingTab() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as "zh-CN" | "en-US";
  const report = useReport();
  const { revision } = useWorkspace();
  // Until one is picked, the core's default: the target platform, or all three while undecided.
  const [platform, setPlatform] = useState<Platform | "all" | null>(null);
  const [items, setItems] = useState<RoleOnPlatform[]>([]);

  useEffect(() => {
    const asked = platform === null ? [] : platform === "all" ? PLATFORMS : [platform];
    call(api.roleMapping(asked)).then(setItems).catch(report);
  }, [platform, revision, report]);

  const shown = new Set(items.map((m) => m.platform));
  const selected = platform ?? (shown.size === 1 ? [...shown][0] : "all");
  const options = [{ value: "all" as const, label: t("permissions_ui.all_platforms") }, ...PLATFORMS.map((p) => ({ value: p, label: t(`platforms.${p}`) }))];

  return (
    <div>
      <Segmented<Platform | "all"> value={selected} onChange={setPlatform} options={options} style={{ marginBottom: 16 }} data-testid="mapping-platform" />
      {items.length === 0 && <Empty />}
      <Row gutter={[16, 16]}>
        {items.map((m) => (
          <Col key={`${m.platform}-${m.role_id}`} xs={24} lg={12}>
            <Card size="small" title={shown.size > 1 ? `${t(`platforms.${m.platform}`)} · ${m.role[lang]}` : m.role[lang]} extra={<Tag color="purple">{m.admin_type ? m.admin_type[lang] : t("permissions_ui.no_admin")}</Tag>}>
              {m.scope && (
                <Typography.Paragraph>
                  <Typography.Text type="secondary">{t("permissions_ui.scope_label")}：</Typography.Text>
                  {m.scope[lang]}
                </Typography.Paragraph>
              )}
              <List
                size="small"
                dataSource={m.permissions}
                renderItem={(p) => (
                  <List.Item>
                    <Space direction="vertical" size={0}>
                      <span>
                        <CheckOutlined style={{ color: "#52c41a" }} /> {p.name[lang]}：{p.setting?.[lang]}
                      </span>
                      {p.note && <Typography.Text type="secondary">{p.note[lang]}</Typography.Text>}
                    </Space>
                    <Tag color={CONFIDENCE_COLORS[p.confidence]} title={p.source}>
                      {t(`confidences.${p.confidence}`)}
                    </Tag>
                  </List.Item>
                )}
              />
              {m.unsupported.map((u, i) => (
                <Typography.Paragraph key={i} type="danger" style={{ marginTop: 8, marginBottom: 0 }}>
                  <CloseOutlined /> {t("permissions_ui.unsupported")}：{u.reason[lang]}
                </Typography.Paragraph>
              ))}
              {m.notes.map((n, i) => (
                <Typography.Paragraph key={i} type="warning" style={{ marginTop: 8, marginBottom: 0 }}>
                  <InfoCircleOutlined /> {n[lang]}
                </Typography.Paragraph>
              ))}
            </Card>
          </Col>
        ))}
      </Row>
    </div>
  );
}
