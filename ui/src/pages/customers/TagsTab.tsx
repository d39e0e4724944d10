import { useState } from "react";
import { App, Button, Card, Col, Form, Input, Modal, Popconfirm, Row, Select, Space, Tag, Typography } from "antd";
import { DeleteOutlined, EditOutlined, MergeCellsOutlined, PlusOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { api, call, type Layer, type TagEdit, type TagGroup } from "../../api";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { layerColor } from "./customersView";

const LAYERS: Layer[] = ["basic", "behaviour", "value"];

type Dialog = { kind: "group" } | { kind: "tag"; group: string } | { kind: "rename"; target: string; group: boolean; name: string } | { kind: "merge"; from: string };

/** Tags in three layers: groups with their tags and how many customers carry each; add, rename, merge, delete. */
export default function TagsTab({ groups }: { groups: TagGroup[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const { changed } = useWorkspace();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [form] = Form.useForm();

  const edit = async (e: TagEdit) => {
    try {
      await call(api.editTags(e));
      message.success(t("customers_ui.tag_saved"));
      setDialog(null);
      form.resetFields();
      changed();
    } catch (err) {
      report(err);
    }
  };

  const submit = (values: { name?: string; layer?: Layer; into?: string }) => {
    if (!dialog) return;
    switch (dialog.kind) {
      case "group":
        return edit({ op: "add_group", name: values.name ?? "", layer: values.layer ?? "basic" });
      case "tag":
        return edit({ op: "add_tag", group: dialog.group, name: values.name ?? "" });
      case "rename":
        return edit({ op: "rename", target: dialog.target, to: values.name ?? "", group: dialog.group });
      case "merge":
        return edit({ op: "merge", from: dialog.from, into: values.into ?? "" });
    }
  };

  const allTags = groups.flatMap((g) => g.tags.map((x) => ({ value: `${g.name}:${x.name}`, label: `${g.name} · ${x.name}` })));

  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }} data-testid="tags-tab">
      <Space>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: "group" })} data-testid="add-tag-group">
          {t("customers_ui.add_group")}
        </Button>
        <Typography.Text type="secondary">{t("customers_ui.layers_hint")}</Typography.Text>
      </Space>
      {LAYERS.map((layer) => (
        <div key={layer}>
          <Typography.Title level={5}>
            <Tag color={layerColor(layer)}>{t(`customers_ui.layers.${layer}`)}</Tag>
            {t(`customers_ui.layer_hint.${layer}`)}
          </Typography.Title>
          <Row gutter={[12, 12]}>
            {groups
              .filter((g) => g.layer === layer)
              .map((g) => (
                <Col key={g.id} xs={24} md={12} xl={8}>
                  <Card
                    size="small"
                    title={g.name}
                    data-testid={`tag-group-${g.name}`}
                    extra={
                      <Space size={0}>
                        <Button size="small" type="text" icon={<PlusOutlined />} onClick={() => setDialog({ kind: "tag", group: g.name })} aria-label={t("customers_ui.add_tag")} />
                        <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setDialog({ kind: "rename", target: g.name, group: true, name: g.name })} aria-label={t("customers_ui.rename")} />
                        <Popconfirm title={t("customers_ui.delete_group_confirm", { name: g.name })} onConfirm={() => edit({ op: "delete", target: g.name, group: true })}>
                          <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t("common.delete")} />
                        </Popconfirm>
                      </Space>
                    }
                  >
                    <Space direction="vertical" style={{ width: "100%" }}>
                      {g.tags.length === 0 && <Typography.Text type="secondary">{t("customers_ui.no_tags")}</Typography.Text>}
                      {g.tags.map((x) => (
                        <div key={x.id} style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
                          <span>
                            <Tag color={layerColor(layer)}>{x.name}</Tag>
                            <Typography.Text type="secondary">{t("customers_ui.tag_customers", { count: x.customers })}</Typography.Text>
                          </span>
                          <Space size={0}>
                            <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setDialog({ kind: "rename", target: `${g.name}:${x.name}`, group: false, name: x.name })} aria-label={t("customers_ui.rename")} />
                            <Button size="small" type="text" icon={<MergeCellsOutlined />} onClick={() => setDialog({ kind: "merge", from: `${g.name}:${x.name}` })} aria-label={t("customers_ui.merge")} />
                            <Popconfirm title={t("customers_ui.delete_tag_confirm", { name: x.name, count: x.customers })} onConfirm={() => edit({ op: "delete", target: `${g.name}:${x.name}`, group: false })}>
                              <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t("common.delete")} />
                            </Popconfirm>
                          </Space>
                        </div>
                      ))}
                    </Space>
                  </Card>
                </Col>
              ))}
          </Row>
        </div>
      ))}
      <Modal
        open={dialog !== null}
        title={dialog ? t(`customers_ui.dialog.${dialog.kind}`) : ""}
        onCancel={() => {
          setDialog(null);
          form.resetFields();
        }}
        onOk={() => form.submit()}
        okText={t("common.save")}
        cancelText={t("common.cancel")}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ layer: "basic", name: dialog?.kind === "rename" ? dialog.name : "" }} preserve={false}>
          {dialog?.kind === "merge" ? (
            <Form.Item name="into" label={t("customers_ui.merge_into")} rules={[{ required: true }]}>
              <Select showSearch options={allTags.filter((o) => o.value !== dialog.from)} />
            </Form.Item>
          ) : (
            <Form.Item name="name" label={t("customers_ui.tag_name")} rules={[{ required: true, whitespace: true }]}>
              <Input autoFocus data-testid="tag-name" />
            </Form.Item>
          )}
          {dialog?.kind === "group" && (
            <Form.Item name="layer" label={t("customers_ui.layer")}>
              <Select options={LAYERS.map((l) => ({ value: l, label: t(`customers_ui.layers.${l}`) }))} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
