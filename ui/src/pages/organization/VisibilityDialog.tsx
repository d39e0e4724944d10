import { useEffect, useMemo, useState } from "react";
import { Alert, Button, Checkbox, Descriptions, Modal, Radio, Space, Tag, TreeSelect, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { api, call, type Audience, type Department, type PlatformSetting, type Visibility } from "../../api";
import { useWorkspace } from "../../shell/workspace";
import MemberPicker from "../../shell/MemberPicker";
import { departmentTreeData } from "./tree";

interface Props {
  dept: Department | null;
  departments: Department[];
  /** Saves the setting; resolves to whether it worked (the caller shows the message). */
  onSubmit: (dept: Department, visibility: Visibility) => Promise<boolean>;
  onClose: () => void;
}

/** Which platform settings a visibility uses (keys of assets/visibility/platforms.json). */
export function settingsUsed(v: Visibility): string[] {
  const used: string[] = [];
  if (v.hidden) used.push("hidden");
  if (v.departments.length > 0 || v.members.length > 0) used.push("viewers");
  if (v.only_own) used.push("only_own");
  return used;
}

/**
 * A department's visibility in the directory: visible to everyone or hidden (its own members
 * and chosen departments and members still see it), and whether its members see only their own
 * departments. Shows who would see it and where the workspace's platform sets each part.
 */
export function VisibilityDialog({ dept, departments, onSubmit, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const { info, revision } = useWorkspace();
  const [value, setValue] = useState<Visibility>({ hidden: false, departments: [], members: [], only_own: false });
  const [audience, setAudience] = useState<Audience | null>(null);
  const [mapping, setMapping] = useState<Partial<Record<string, PlatformSetting[]>>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (dept) setValue(dept.visibility);
  }, [dept]);

  useEffect(() => {
    if (!dept) return setAudience(null);
    let live = true;
    call(api.departmentAudience(dept.id)).then((a) => live && setAudience(a), () => live && setAudience(null));
    return () => {
      live = false;
    };
  }, [dept, revision]);

  useEffect(() => {
    void api.visibilityMapping().then(setMapping);
  }, []);

  const treeData = useMemo(() => departmentTreeData(departments), [departments]);

  const platform = info.profile.platform;
  const platforms = platform === "undecided" ? ["wecom", "dingtalk", "feishu"] : [platform];
  const used = settingsUsed(value);
  const lang = i18n.language === "en-US" ? "en-US" : "zh-CN";

  const submit = async () => {
    if (!dept) return;
    setBusy(true);
    try {
      if (await onSubmit(dept, value)) onClose();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!dept}
      title={dept ? t("org.visibility_title", { name: dept.name }) : ""}
      onCancel={onClose}
      width={620}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t("common.cancel")}
        </Button>,
        <Button key="ok" type="primary" data-testid="visibility-ok" loading={busy} onClick={submit}>
          {t("common.save")}
        </Button>,
      ]}
    >
      <Space direction="vertical" style={{ width: "100%" }} size="middle">
        <Radio.Group
          value={value.hidden ? "hidden" : "everyone"}
          onChange={(e) => setValue((v) => (e.target.value === "hidden" ? { ...v, hidden: true } : { ...v, hidden: false, departments: [], members: [] }))}
        >
          <Space direction="vertical">
            <Radio value="everyone">
              <span data-testid="visibility-everyone">{t("org.visibility_everyone")}</span>
            </Radio>
            <Radio value="hidden">
              <span data-testid="visibility-hidden">{t("org.visibility_hide")}</span>
              <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }}>
                {t("org.visibility_hide_hint")}
              </Typography.Text>
            </Radio>
          </Space>
        </Radio.Group>
        {value.hidden && (
          <div style={{ paddingLeft: 24 }}>
            <Typography.Text>{t("org.visibility_viewer_departments")}</Typography.Text>
            <TreeSelect
              multiple
              allowClear
              showSearch
              treeNodeFilterProp="value"
              style={{ width: "100%", marginBottom: 12 }}
              data-testid="visibility-departments"
              placeholder={t("org.visibility_viewer_departments_placeholder")}
              treeData={treeData}
              value={value.departments}
              onChange={(departments: string[]) => setValue((v) => ({ ...v, departments }))}
            />
            <Typography.Text>{t("org.visibility_viewer_members")}</Typography.Text>
            <div style={{ margin: "4px 0" }}>
              {value.members.map((u) => (
                <Tag key={u} closable onClose={() => setValue((v) => ({ ...v, members: v.members.filter((m) => m !== u) }))}>
                  {u}
                </Tag>
              ))}
            </div>
            <MemberPicker
              style={{ width: "100%" }}
              value={undefined}
              exclude={value.members}
              placeholder={t("org.visibility_add_member")}
              onChange={(u: string) => u && setValue((v) => ({ ...v, members: [...v.members, u] }))}
            />
          </div>
        )}
        <Checkbox checked={value.only_own} onChange={(e) => setValue((v) => ({ ...v, only_own: e.target.checked }))}>
          <span data-testid="visibility-only-own">{t("org.visibility_only_own_option")}</span>
        </Checkbox>
        {audience && (
          <Alert
            type={audience.everyone ? "info" : "success"}
            showIcon
            data-testid="visibility-audience"
            message={t("org.visibility_audience", { count: audience.count, total: audience.members_total })}
            description={audience.hidden_by.length > 0 ? t("org.visibility_hidden_by", { paths: audience.hidden_by.join("、") }) : undefined}
          />
        )}
        {used.length > 0 && (
          <Descriptions size="small" column={1} bordered title={t("org.visibility_on_platform")} styles={{ label: { width: 150, whiteSpace: "nowrap" } }}>
            {platforms.flatMap((p) =>
              (mapping[p] ?? [])
                .filter((s) => used.includes(s.setting))
                .map((s) => (
                  <Descriptions.Item key={`${p}-${s.setting}`} label={`${t(`platforms.${p}`)} · ${t(`cli.visibility_setting_${s.setting}`)}`}>
                    {s.console[lang]}
                    {s.api && <Typography.Text code>{s.api}</Typography.Text>}
                    <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }}>
                      {t(`confidences.${s.confidence}`)} · {s.source}
                    </Typography.Text>
                  </Descriptions.Item>
                )),
            )}
          </Descriptions>
        )}
      </Space>
    </Modal>
  );
}
