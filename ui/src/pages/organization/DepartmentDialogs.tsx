import { useEffect, useMemo, useState } from "react";
import { Button, Form, Input, Modal, Tree, Typography, type ButtonProps } from "antd";
import { useTranslation } from "react-i18next";
import type { Department } from "../../api";
import { useOpened } from "../../shell/useOpened";
import { buildTree, subtreeIds, type DeptNode } from "./tree";

type NameProps = { open: boolean; title: string; initial?: string; onSubmit: (name: string) => Promise<boolean>; onClose: () => void };

/** Asks for a department name (add or rename); drawn from its first opening on. */
export function NameDialog(props: NameProps) {
  return useOpened(props.open) ? <NameModal {...props} /> : null;
}

function NameModal(props: NameProps) {
  const { open, title, initial, onSubmit, onClose } = props;
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string }>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (open) form.setFieldsValue({ name: initial ?? "" });
  }, [open, initial, form]);

  const submit = async () => {
    const { name } = await form.validateFields();
    setBusy(true);
    try {
      if (await onSubmit(name)) onClose();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      onOk={submit}
      onCancel={onClose}
      confirmLoading={busy}
      forceRender
      okButtonProps={{ "data-testid": "dept-name-ok" } as ButtonProps}
      cancelButtonProps={{ "data-testid": "dept-name-cancel" } as ButtonProps}
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="name" label={t("org.name")} rules={[{ required: true, whitespace: true, message: t("org.name_required") }]}>
          <Input data-testid="dept-name-input" placeholder={t("org.name_placeholder")} maxLength={64} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Picks the new parent of `moving`; its own subtree is not offered. */
export function MoveDialog(props: { moving: Department | null; departments: Department[]; onSubmit: (parent: number | null) => Promise<boolean>; onClose: () => void }) {
  const { moving, departments, onSubmit, onClose } = props;
  const { t } = useTranslation();
  const [target, setTarget] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const treeData = useMemo(() => {
    if (!moving) return [];
    const excluded = subtreeIds(departments, moving.id);
    type Item = { key: number; title: React.ReactNode; children: Item[] };
    const toData = (nodes: DeptNode[]): Item[] =>
      nodes
        .filter((n) => !excluded.has(n.key))
        .map((n) => ({ key: n.key, title: <span data-testid={`move-target-${n.key}`}>{n.dept.name}</span>, children: toData(n.children) }));
    return toData(buildTree(departments));
  }, [moving, departments]);

  useEffect(() => setTarget(null), [moving]);

  const submit = async (parent: number | null) => {
    setBusy(true);
    try {
      if (await onSubmit(parent)) onClose();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!moving}
      title={moving ? t("org.move_title", { name: moving.name }) : ""}
      onCancel={onClose}
      footer={[
        <Button key="top" onClick={() => submit(null)} disabled={busy}>
          {t("org.move_to_top")}
        </Button>,
        <Button key="cancel" onClick={onClose}>
          {t("common.cancel")}
        </Button>,
        <Button key="ok" type="primary" data-testid="move-ok" disabled={target === null} loading={busy} onClick={() => submit(target)}>
          {t("common.ok")}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary">{t("org.move_hint")}</Typography.Paragraph>
      <div style={{ maxHeight: 360, overflow: "auto", border: "1px solid #f0f0f0", borderRadius: 6, padding: 8 }}>
        <Tree
          blockNode
          defaultExpandAll
          treeData={treeData}
          selectedKeys={target === null ? [] : [target]}
          onSelect={(keys) => setTarget(keys.length ? Number(keys[0]) : null)}
        />
      </div>
    </Modal>
  );
}
