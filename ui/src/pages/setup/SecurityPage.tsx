import { useEffect, useState } from "react";
import { App, Card, Col, Flex, InputNumber, Input, List, Progress, Row, Select, Switch, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { api, call, type SecurityReport, type SettingState, type Value } from "../../api";
import { describe } from "../../errors";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";

/** Guide §6: security and compliance settings, a score, and where each is in the console. */
export default function SecurityPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const { revision, changed } = useWorkspace();
  const [data, setData] = useState<SecurityReport | null>(null);

  useEffect(() => {
    call(api.securityReport()).then(setData).catch(report);
  }, [revision, report]);

  const set = async (key: string, value: Value) => {
    try {
      setData(await call(api.securitySet({ [key]: value })));
      changed();
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  const control = (s: SettingState) => {
    switch (s.kind) {
      case "bool":
        return <Switch checked={s.value === true} onChange={(v) => void set(s.key, v)} data-testid={`setting-${s.key}`} />;
      case "choice":
        return (
          <Select
            style={{ width: 180 }}
            value={typeof s.value === "string" ? s.value : undefined}
            placeholder={t("security_ui.choose")}
            onChange={(v) => void set(s.key, v)}
            options={s.choices.map((c) => ({ value: c, label: t(`security_ui.choices.${c}`) }))}
            data-testid={`setting-${s.key}`}
          />
        );
      case "days":
        return <InputNumber min={1} value={typeof s.value === "number" ? s.value : null} onBlur={(e) => e.target.value && void set(s.key, Number(e.target.value))} addonAfter={t("security_ui.days")} />;
      case "text":
        return <Input.TextArea defaultValue={typeof s.value === "string" ? s.value : ""} onBlur={(e) => void set(s.key, e.target.value)} rows={2} style={{ width: 320 }} />;
      case "cidr_list":
        return (
          <Select
            mode="tags"
            style={{ width: 320 }}
            value={Array.isArray(s.value) ? (s.value as string[]) : []}
            onChange={(v) => void set(s.key, v)}
            tokenSeparators={[",", " ", "，"]}
            placeholder="203.0.113.0/24, 2001:db8::/32"
            data-testid={`setting-${s.key}`}
          />
        );
      default:
        return null;
    }
  };

  if (!data) return null;
  return (
    <Row gutter={16} style={{ height: "100%", overflow: "auto" }}>
      <Col span={6}>
        <Card>
          <Flex vertical align="center" gap={8}>
            <Progress type="circle" percent={data.score} data-testid="security-score" />
            <Typography.Text strong>{t("security_ui.score")}</Typography.Text>
          </Flex>
          {data.missing.length > 0 && (
            <>
              <Typography.Title level={5}>{t("security_ui.missing")}</Typography.Title>
              <ol style={{ paddingInlineStart: 20 }}>
                {data.missing.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ol>
            </>
          )}
        </Card>
      </Col>
      <Col span={18}>
        <Card title={t("security_ui.title")}>
          <List
            dataSource={data.settings}
            renderItem={(s) => (
              <List.Item extra={control(s)}>
                <List.Item.Meta
                  title={
                    <Flex gap={8} align="center">
                      {s.name}
                      {s.done ? <Tag color="green">{t("security_ui.done")}</Tag> : <Tag>{t("security_ui.todo")}</Tag>}
                    </Flex>
                  }
                  description={
                    <>
                      <div>{s.why}</div>
                      {s.console && (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t("security_ui.console", { path: s.console })}
                        </Typography.Text>
                      )}
                    </>
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      </Col>
    </Row>
  );
}
