import { useState } from "react";
import { Alert, App, Button, Card, Col, Empty, Flex, Form, Input, List, Modal, Row, Select, Space, Tag, Typography } from "antd";
import { FileAddOutlined, FolderOpenOutlined, RocketOutlined } from "@ant-design/icons";
import { open, save } from "@tauri-apps/plugin-dialog";
import { useTranslation } from "react-i18next";
import { api, call, type AppInfo, type DemoInfo, type Lang, type Platform, type WorkspaceInfo } from "../../api";
import { describe, errorMessage } from "../../errors";
import LanguageSwitch from "../../shell/LanguageSwitch";
import DiagnosticsButton from "../../shell/DiagnosticsButton";
import icon from "../../../../assets/icons/128x128.png";

interface Props {
  info: AppInfo;
  lang: Lang;
  onLang: (l: Lang) => void;
  onOpened: (ws: WorkspaceInfo) => void;
  onInfoChanged: () => Promise<AppInfo>;
}

const PLATFORMS: Platform[] = ["wecom", "dingtalk", "feishu", "undecided"];

export default function StartPage({ info, lang, onLang, onOpened, onInfoChanged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ name: string; platform: Platform; path: string }>();
  const filters = [{ name: t("start.file_filter"), extensions: ["orgdesk"] }];

  const run = async (work: () => Promise<WorkspaceInfo>) => {
    setBusy(true);
    try {
      onOpened(await work());
    } catch (e) {
      message.error(describe(t, e));
      await onInfoChanged();
    } finally {
      setBusy(false);
    }
  };

  const openDemo = (demo: DemoInfo) =>
    run(async () => {
      if (info.first_run) await call(api.markWelcomed());
      return call(api.openDemo(demo.id));
    });

  const openFile = async () => {
    const path = await open({ multiple: false, directory: false, filters });
    if (typeof path === "string") await run(() => call(api.openWorkspace(path)));
  };

  const chooseLocation = async () => {
    const name = form.getFieldValue("name") || "workspace";
    const path = await save({ defaultPath: `${name}.orgdesk`, filters });
    if (path) form.setFieldsValue({ path });
  };

  const create = async () => {
    const values = await form.validateFields();
    await run(() => call(api.createWorkspace(values.path, values.name, values.platform)));
  };

  const dismissWelcome = async () => {
    await call(api.markWelcomed());
    await onInfoChanged();
  };

  const demo = info.demos[0];

  return (
    <Flex vertical align="center" style={{ minHeight: "100%", padding: "40px 24px", background: "#f5f7fa", boxSizing: "border-box" }}>
      <div style={{ width: "100%", maxWidth: 960 }}>
        <Flex justify="space-between" align="center">
          <Space size={12}>
            <img src={icon} alt="" width={48} height={48} />
            <div>
              <Typography.Title level={2} style={{ margin: 0 }}>
                {t("start.welcome")}
              </Typography.Title>
              <Typography.Text type="secondary">{t("start.subtitle")}</Typography.Text>
            </div>
          </Space>
          <Space>
            <LanguageSwitch lang={lang} onChange={onLang} />
            <DiagnosticsButton />
          </Space>
        </Flex>

        {info.startup_error && (
          <Alert
            style={{ marginTop: 24 }}
            type="error"
            showIcon
            message={t("start.startup_error")}
            description={errorMessage(t, info.startup_error)}
          />
        )}

        {info.first_run && demo && (
          <Card style={{ marginTop: 24, borderColor: "#91caff", background: "#f0f7ff" }} data-testid="first-run">
            <Flex gap={16} align="center" wrap>
              <RocketOutlined style={{ fontSize: 32, color: "#1677ff" }} />
              <div style={{ flex: 1, minWidth: 280 }}>
                <Typography.Title level={4} style={{ marginTop: 0 }}>
                  {t("start.first_run_title")}
                </Typography.Title>
                <Typography.Paragraph style={{ marginBottom: 0 }}>
                  {t("start.first_run_text", { members: demo.members, departments: demo.departments })}
                </Typography.Paragraph>
              </div>
              <Space>
                <Button type="primary" size="large" loading={busy} onClick={() => openDemo(demo)} data-testid="first-run-open-demo">
                  {t("start.open_demo")}
                </Button>
                <Button onClick={dismissWelcome}>{t("start.dismiss")}</Button>
              </Space>
            </Flex>
          </Card>
        )}

        <Row gutter={16} style={{ marginTop: 24 }}>
          <Col span={12}>
            <Card hoverable onClick={() => setCreating(true)} data-testid="new-workspace" style={{ height: "100%" }}>
              <Card.Meta avatar={<FileAddOutlined style={{ fontSize: 28, color: "#1677ff" }} />} title={t("start.new")} description={t("start.new_hint")} />
            </Card>
          </Col>
          <Col span={12}>
            <Card hoverable onClick={openFile} data-testid="open-workspace" style={{ height: "100%" }}>
              <Card.Meta avatar={<FolderOpenOutlined style={{ fontSize: 28, color: "#1677ff" }} />} title={t("start.open")} description={t("start.open_hint")} />
            </Card>
          </Col>
        </Row>

        <Typography.Title level={4} style={{ marginTop: 32 }}>
          <RocketOutlined style={{ color: "#1677ff", marginInlineEnd: 8 }} />
          {t("start.demo_title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t("start.demo_hint")}</Typography.Paragraph>
        <Row gutter={[16, 16]}>
          {info.demos.map((d) => (
            <Col span={12} key={d.id}>
              <Card data-testid={`demo-${d.id}`} style={{ height: "100%" }} styles={{ body: { display: "flex", flexDirection: "column", height: "100%", boxSizing: "border-box" } }}>
                <Typography.Text strong>{d.title[lang]}</Typography.Text>
                <div style={{ margin: "8px 0" }}>
                  <Tag color="blue">{t(`platforms.${d.platform}`)}</Tag>
                  <Tag>{t("start.members_count", { count: d.members })}</Tag>
                  <Tag>{t("start.departments_count", { count: d.departments })}</Tag>
                </div>
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 3, expandable: true }} style={{ flex: 1 }}>
                  {d.story[lang]}
                </Typography.Paragraph>
                <div>
                  <Button type="primary" ghost loading={busy} onClick={() => openDemo(d)} data-testid={`open-demo-${d.id}`}>
                    {t("start.open_demo")}
                  </Button>
                </div>
              </Card>
            </Col>
          ))}
        </Row>

        <Card title={t("start.recent")} style={{ marginTop: 24 }}>
          {info.recent.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("start.no_recent")} />
          ) : (
            <List
              dataSource={info.recent}
              renderItem={(r) => (
                <List.Item data-testid="recent-item" style={{ cursor: "pointer" }} onClick={() => run(() => call(api.openWorkspace(r.path)))}>
                  <List.Item.Meta
                    title={r.name}
                    description={
                      <Typography.Text type="secondary" ellipsis style={{ maxWidth: 800 }}>
                        {r.path}
                      </Typography.Text>
                    }
                  />
                </List.Item>
              )}
            />
          )}
        </Card>
      </div>

      <Modal
        open={creating}
        title={t("start.new")}
        okText={t("start.create")}
        onOk={create}
        confirmLoading={busy}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ platform: "wecom" }} preserve={false}>
          <Form.Item name="name" label={t("start.name")} rules={[{ required: true, whitespace: true, message: t("start.name_required") }]}>
            <Input placeholder={t("start.name_placeholder")} maxLength={64} />
          </Form.Item>
          <Form.Item name="platform" label={t("start.platform")}>
            <Select options={PLATFORMS.map((p) => ({ value: p, label: t(`platforms.${p}`) }))} />
          </Form.Item>
          <Form.Item name="path" label={t("start.location")} rules={[{ required: true, message: t("start.location_required") }]}>
            <Input readOnly placeholder={t("start.choose_location")} onClick={chooseLocation} addonAfter={<FolderOpenOutlined onClick={chooseLocation} />} />
          </Form.Item>
        </Form>
      </Modal>
    </Flex>
  );
}
