import { useEffect, useState } from "react";
import { App, Button, Drawer, Empty, Input, List, Popconfirm, Space, Tag, Typography } from "antd";
import { CameraOutlined, DeleteOutlined, RollbackOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import { useTranslation } from "react-i18next";
import { api, call, type SnapshotInfo } from "../api";
import { describe } from "../errors";
import { useWorkspace } from "./workspace";

interface Props {
  open: boolean;
  onClose: () => void;
}

/** Named snapshots of the workspace: save the current state, restore (undoable) or delete one. */
export default function SnapshotsDrawer({ open, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { revision, changed } = useWorkspace();
  const [list, setList] = useState<SnapshotInfo[]>([]);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    call(api.snapshotList())
      .then(setList)
      .catch((e) => message.error(describe(t, e)));
  }, [open, revision, message, t]);

  const label = (s: SnapshotInfo) => (s.kind === "initial" ? t("snapshots.initial") : s.name);

  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    try {
      message.success(await work());
      changed();
    } catch (e) {
      message.error(describe(t, e));
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    act(async () => {
      const s = await call(api.snapshotSave(name));
      setName("");
      return t("snapshots.saved", { name: label(s) });
    });

  return (
    <Drawer open={open} onClose={onClose} title={t("snapshots.title")} width={440} data-testid="snapshots-drawer">
      <Typography.Paragraph type="secondary">{t("snapshots.hint")}</Typography.Paragraph>
      <Space.Compact style={{ width: "100%", marginBottom: 16 }}>
        <Input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t("snapshots.name_placeholder")}
          maxLength={64}
          onPressEnter={() => name.trim() && void save()}
          data-testid="snapshot-name"
        />
        <Button type="primary" icon={<CameraOutlined />} loading={busy} disabled={!name.trim()} onClick={() => void save()} data-testid="snapshot-save">
          {t("snapshots.save")}
        </Button>
      </Space.Compact>
      {list.length === 0 ? (
        <Empty description={t("snapshots.empty")} />
      ) : (
        <List
          dataSource={list}
          renderItem={(s) => (
            <List.Item
              data-testid="snapshot-item"
              actions={[
                <Popconfirm
                  key="restore"
                  title={t("snapshots.restore_title", { name: label(s) })}
                  description={t("snapshots.restore_hint")}
                  okText={t("snapshots.restore")}
                  cancelText={t("common.cancel")}
                  onConfirm={() => act(async () => t("snapshots.restored", { name: label(await call(api.snapshotRestore(s.id))) }))}
                >
                  <Button size="small" icon={<RollbackOutlined />} data-testid={`snapshot-restore-${s.kind === "initial" ? "initial" : s.id}`}>
                    {t("snapshots.restore")}
                  </Button>
                </Popconfirm>,
                <Popconfirm
                  key="delete"
                  title={t("snapshots.delete_title", { name: label(s) })}
                  okText={t("common.delete")}
                  okButtonProps={{ danger: true }}
                  cancelText={t("common.cancel")}
                  onConfirm={() => act(async () => t("snapshots.deleted", { name: label(await call(api.snapshotDelete(s.id))) }))}
                >
                  <Button size="small" danger type="text" icon={<DeleteOutlined />} aria-label={t("common.delete")} />
                </Popconfirm>,
              ]}
            >
              <List.Item.Meta
                title={
                  <Space>
                    {label(s)}
                    {s.kind === "initial" && <Tag color="blue">{t("snapshots.initial_tag")}</Tag>}
                  </Space>
                }
                description={`${dayjs(s.created_at).format("YYYY-MM-DD HH:mm")} · ${t("snapshots.counts", { departments: s.departments, members: s.members })}`}
              />
            </List.Item>
          )}
        />
      )}
    </Drawer>
  );
}
