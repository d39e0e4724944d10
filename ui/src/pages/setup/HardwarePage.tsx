import { useEffect, useState } from "react";
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, List, Popconfirm, Row, Select, Space, Switch, Table, Tag, Typography } from "antd";
import { DeleteOutlined, ImportOutlined, PlusOutlined } from "@ant-design/icons";
import { open } from "@tauri-apps/plugin-dialog";
import { useTranslation } from "react-i18next";
import { api, call, type BatchQuarter, type Device, type DeviceKind, type EventKind } from "../../api";
import { describe } from "../../errors";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";

const KINDS: DeviceKind[] = ["attendance", "display", "tablet"];
const EVENTS: EventKind[] = ["offline", "failure"];

/** Guide §7: devices by site and batch, their outages, and batches to replace. */
export default function HardwarePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const { revision, changed } = useWorkspace();
  const [devices, setDevices] = useState<Device[]>([]);
  const [flags, setFlags] = useState<BatchQuarter[]>([]);
  const [addForm] = Form.useForm();
  const [logForm] = Form.useForm();

  useEffect(() => {
    Promise.all([call(api.devices()), call(api.hardwareFlags())])
      .then(([d, f]) => {
        setDevices(d);
        setFlags(f);
      })
      .catch(report);
  }, [revision, report]);

  const attempt = async (work: () => Promise<unknown>, done?: string) => {
    try {
      await work();
      if (done) message.success(done);
      changed();
      return true;
    } catch (e) {
      message.error(describe(t, e));
      return false;
    }
  };

  const importFile = async () => {
    const path = await open({ multiple: false, directory: false, filters: [{ name: "Excel / CSV", extensions: ["xlsx", "xls", "ods", "csv"] }] });
    if (typeof path !== "string") return;
    try {
      const r = await call(api.hardwareImport(path));
      if (r.committed) message.success(t("cli.hardware_imported", { devices: r.devices, events: r.events }));
      else message.error([t("cli.hardware_refused"), ...r.problems.map((p) => `${p.sheet} · ${p.row}: ${p.message}`)].join("\n"));
      changed();
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  const flagged = flags.filter((f) => f.flagged);
  return (
    <Row gutter={16} style={{ height: "100%", overflowY: "auto", overflowX: "hidden" }}>
      <Col span={16}>
        <Card title={t("hardware_ui.flags")}>
          {flagged.length > 0 && <Alert type="error" showIcon message={t("hardware_ui.replace", { batches: flagged.map((f) => f.batch).join("、") })} style={{ marginBottom: 12 }} />}
          <List
            dataSource={flags}
            locale={{ emptyText: t("cli.hardware_no_events") }}
            renderItem={(f) => (
              <List.Item>
                <Space>
                  <Tag color={f.flagged ? "red" : "green"}>{f.quarter}</Tag>
                  {f.message}
                </Space>
              </List.Item>
            )}
          />
        </Card>
        <Card
          style={{ marginTop: 16 }}
          title={t("hardware_ui.devices", { count: devices.length })}
          extra={
            <Button icon={<ImportOutlined />} onClick={() => void importFile()}>
              {t("hardware_ui.import")}
            </Button>
          }
        >
          <Table<Device>
            size="small"
            rowKey="serial"
            dataSource={devices}
            pagination={{ pageSize: 12 }}
            scroll={{ x: "max-content" }}
            columns={[
              { title: t("hardware_ui.serial"), dataIndex: "serial" },
              { title: t("hardware_ui.kind"), dataIndex: "kind", render: (k: DeviceKind) => t(`hardware_ui.kinds.${k}`) },
              { title: t("hardware_ui.site"), dataIndex: "site" },
              { title: t("hardware_ui.batch"), dataIndex: "batch" },
              { title: t("hardware_ui.connectivity"), dataIndex: "connectivity", render: (c: string | null) => (c ? t(`hardware_ui.links.${c}`) : "") },
              { title: t("hardware_ui.face"), dataIndex: "face_recognition", render: (f: boolean) => (f ? "✓" : "") },
              { title: t("hardware_ui.events"), dataIndex: "events" },
              {
                title: t("hardware_ui.actions"),
                key: "actions",
                render: (_, d) => (
                  <Popconfirm
                    title={t("hardware_ui.delete_confirm", { serial: d.serial })}
                    onConfirm={() => void attempt(() => call(api.deviceDelete(d.serial)), t("hardware_ui.deleted", { serial: d.serial }))}
                  >
                    <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t("hardware_ui.delete")} title={t("hardware_ui.delete")} data-testid={`device-delete-${d.serial}`} />
                  </Popconfirm>
                ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col span={8}>
        <Card title={t("hardware_ui.add")}>
          <Form
            form={addForm}
            layout="vertical"
            initialValues={{ kind: "attendance", face_recognition: false }}
            onFinish={async (v) => {
              if (await attempt(() => call(api.deviceAdd({ ...v, model: v.model ?? null, connectivity: v.connectivity ?? null })), t("hardware_ui.added"))) addForm.resetFields();
            }}
          >
            <Form.Item name="serial" label={t("hardware_ui.serial")} rules={[{ required: true, whitespace: true }]}>
              <Input data-testid="device-serial" />
            </Form.Item>
            <Form.Item name="kind" label={t("hardware_ui.kind")}>
              <Select options={KINDS.map((k) => ({ value: k, label: t(`hardware_ui.kinds.${k}`) }))} />
            </Form.Item>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="site" label={t("hardware_ui.site")} rules={[{ required: true, whitespace: true }]}>
                  <Input data-testid="device-site" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="batch" label={t("hardware_ui.batch")} rules={[{ required: true, whitespace: true }]}>
                  <Input data-testid="device-batch" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="connectivity" label={t("hardware_ui.connectivity")}>
              <Select allowClear options={["bluetooth", "wifi", "dual", "wired"].map((c) => ({ value: c, label: t(`hardware_ui.links.${c}`) }))} />
            </Form.Item>
            <Form.Item name="face_recognition" label={t("hardware_ui.face")} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<PlusOutlined />} data-testid="device-add">
              {t("hardware_ui.add")}
            </Button>
          </Form>
        </Card>
        <Card title={t("hardware_ui.log")} style={{ marginTop: 16 }}>
          <Form
            form={logForm}
            layout="vertical"
            initialValues={{ kind: "offline" }}
            onFinish={async (v) => {
              const ok = await attempt(
                () => call(api.deviceEvent({ serial: v.serial, day: v.day.format("YYYY-MM-DD"), kind: v.kind, hours: null, note: null })),
                t("hardware_ui.logged"),
              );
              if (ok) logForm.resetFields();
            }}
          >
            <Form.Item name="serial" label={t("hardware_ui.serial")} rules={[{ required: true }]}>
              <Select showSearch options={devices.map((d) => ({ value: d.serial, label: `${d.serial} · ${d.site}` }))} />
            </Form.Item>
            <Form.Item name="day" label={t("hardware_ui.day")} rules={[{ required: true }]}>
              <DatePicker style={{ width: "100%" }} />
            </Form.Item>
            <Form.Item name="kind" label={t("hardware_ui.event")}>
              <Select options={EVENTS.map((k) => ({ value: k, label: t(`hardware_ui.event_kinds.${k}`) }))} />
            </Form.Item>
            <Button htmlType="submit">{t("hardware_ui.log")}</Button>
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t("hardware_ui.rule")}
          </Typography.Paragraph>
        </Card>
      </Col>
    </Row>
  );
}
