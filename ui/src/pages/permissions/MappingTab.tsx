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
  const { info, revision } = useWorkspace();
  const target = info.profile.platform === "undecided" ? "wecom" : info.profile.platform;
  const [platform, setPlatform] = useState<Platform>(target);
  const [items, setItems] = useState<RoleOnPlatform[]>([]);

  useEffect(() => {
    call(api.roleMapping([platform])).then(setItems).catch(report);
  }, [platform, revision, report]);

  return (
    <div>
      <Segmented<Platform> value={platform} onChange={setPlatform} options={PLATFORMS.map((p) => ({ value: p, label: t(`platforms.${p}`) }))} style={{ marginBottom: 16 }} />
      {items.length === 0 && <Empty />}
      <Row gutter={[16, 16]}>
        {items.map((m) => (
          <Col key={m.role_id} xs={24} lg={12}>
            <Card size="small" title={m.role[lang]} extra={<Tag color="purple">{m.admin_type ? m.admin_type[lang] : t("permissions_ui.no_admin")}</Tag>}>
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
                      {p.confidence}
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
