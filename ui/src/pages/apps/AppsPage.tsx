import { useEffect, useMemo, useRef, useState } from "react";
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, Modal, Popconfirm, Radio, Row, Select, Space, Switch, Table, Tag, TreeSelect, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { api, call, type App as PlanApp, type AppFinding, type AppInput, type AppVisibility, type CatalogueApp, type Department } from "../../api";
import { describe } from "../../errors";
import { latest, STALE } from "../../shell/latest";
import MemberPicker from "../../shell/MemberPicker";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { departmentTreeData } from "../organization/tree";

const READS = ["contacts", "customers", "approvals", "attendance", "messages", "files"];
const KIND_COLORS = { native: "blue", self_built: "purple", third_party: "orange" } as const;

interface Draft {
  app: PlanApp;
  visibility: Required<AppVisibility>;
  admins: string[];
}

/**
 * Apps (guide §4): the platform's native apps to choose from, the app plan with who sees each app
 * (picked on the department tree, by role or by member) and its admins, and the plan's checks.
 */
export default function AppsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const { info, revision, changed } = useWorkspace();
  const [apps, setApps] = useState<PlanApp[] | null>(null);
  const [findings, setFindings] = useState<AppFinding[]>([]);
  const [catalogue, setCatalogue] = useState<[string, CatalogueApp][]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [roles, setRoles] = useState<{ value: string; label: string }[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [custom, setCustom] = useState<AppInput>({ key: "", name: null, kind: "third_party", facing: "internal", reads: [] });
  const run = useRef(latest()).current;
  const lang = i18n.language === "en-US" ? "en-US" : "zh-CN";
  const platform = info.profile.platform;
  const sep = lang === "en-US" ? ", " : "、";

  useEffect(() => {
    run(Promise.all([call(api.apps()), call(api.checkApps()), call(api.listDepartments()), call(api.permissionMatrix())]))
      .then((r) => {
        if (r === STALE) return;
        setApps(r[0]);
        setFindings(r[1]);
        setDepartments(r[2]);
        setRoles(r[3].roles.map((x) => ({ value: String(x.id), label: x.name[lang] })));
      })
      .catch(report);
  }, [revision, report, run, lang]);

  useEffect(() => {
    void api.appCatalogue(platform === "undecided" ? null : platform).then(setCatalogue);
  }, [platform]);

  const treeData = useMemo(() => departmentTreeData(departments), [departments]);

  const act = async <T,>(work: Promise<T>, done: string) => {
    try {
      await work;
      message.success(done);
      changed();
      return true;
    } catch (e) {
      message.error(describe(t, e));
      return false;
    }
  };

  if (!apps) return null;
  const added = new Set(apps.map((a) => a.key));

  const openVisibility = (app: PlanApp) =>
    setDraft({
      app,
      visibility: { everyone: app.everyone, departments: app.departments, roles: app.role_ids, members: app.members },
      admins: app.admins,
    });
  const saveVisibility = async () => {
    if (!draft) return;
    if (await act(call(api.setAppVisibility(draft.app.key, draft.visibility, draft.admins)), t("apps_ui.visibility_saved"))) setDraft(null);
  };

  const seenBy = (a: PlanApp) =>
    a.everyone ? (
      <Tag color="green">{t("apps_ui.everyone")}</Tag>
    ) : a.departments.length + a.roles.length + a.members.length === 0 ? (
      <Tag color="red">{t("apps_ui.nobody")}</Tag>
    ) : (
      <Space size={[4, 4]} wrap>
        {a.departments.map((d) => (
          <Tag key={d}>{d}</Tag>
        ))}
        {a.roles.map((r) => (
          <Tag key={r} color="purple">
            {r}
          </Tag>
        ))}
        {a.members.map((m) => (
          <Tag key={m} color="blue">
            {m}
          </Tag>
        ))}
      </Space>
    );

  return (
    <Space direction="vertical" style={{ width: "100%" }} size="middle">
      {findings.length > 0 && (
        <Card size="small" title={t("apps_ui.findings", { count: findings.length })} data-testid="app-findings">
          {findings.map((f, i) => (
            <Alert key={i} style={{ marginBottom: 6 }} type="warning" showIcon message={<Space><Tag>{f.code}</Tag>{f.message}</Space>} description={f.fix} />
          ))}
        </Card>
      )}
      <Card title={t("apps_ui.plan")}>
        <Table
          size="small"
          rowKey="key"
          dataSource={apps}
          pagination={false}
          data-testid="app-plan"
          columns={[
            { title: t("apps_ui.app"), key: "name", render: (_: unknown, a: PlanApp) => <Space direction="vertical" size={0}><Typography.Text strong>{a.name}</Typography.Text>{a.purpose && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.purpose}</Typography.Text>}</Space> },
            { title: t("apps_ui.kind"), dataIndex: "kind", width: 90, render: (k: PlanApp["kind"]) => <Tag color={KIND_COLORS[k]}>{t(`apps_ui.kind_${k}`)}</Tag> },
            { title: t("apps_ui.reads"), dataIndex: "reads", render: (r: string[]) => r.map((x) => t(`apps_ui.read_${x}`)).join(sep) },
            { title: t("apps_ui.visible_to"), key: "seen", render: (_: unknown, a: PlanApp) => seenBy(a) },
            { title: t("apps_ui.audience"), dataIndex: "audience", width: 80 },
            { title: t("apps_ui.admins"), dataIndex: "admins", render: (a: string[]) => a.join(sep) },
            {
              title: "",
              key: "actions",
              width: 150,
              render: (_: unknown, a: PlanApp) => (
                <Space size={4}>
                  <Button size="small" type="link" onClick={() => openVisibility(a)} data-testid={`visibility-${a.key}`}>
                    {t("apps_ui.set_visibility")}
                  </Button>
                  <Popconfirm title={t("apps_ui.remove_confirm")} onConfirm={() => act(call(api.removeApp(a.key)), t("apps_ui.removed"))}>
                    <Button size="small" type="link" danger>
                      {t("apps_ui.remove")}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Card title={t("apps_ui.catalogue")}>
            <Table
              size="small"
              rowKey={([p, a]) => `${p}-${a.key}`}
              dataSource={catalogue}
              pagination={false}
              columns={[
                { title: t("apps_ui.app"), key: "name", render: (_: unknown, [p, a]: [string, CatalogueApp]) => <Space direction="vertical" size={0}><Typography.Text strong>{a.name[lang]}</Typography.Text>{platform === "undecided" && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`platforms.${p}`)}</Typography.Text>}</Space> },
                { title: t("apps_ui.purpose"), key: "purpose", render: (_: unknown, [, a]: [string, CatalogueApp]) => a.purpose[lang] },
                { title: t("apps_ui.certification"), key: "cert", width: 90, render: (_: unknown, [, a]: [string, CatalogueApp]) => (a.certification.required ? <Tag color="orange" title={a.certification.note?.[lang]}>{t("apps_ui.needs_certification")}</Tag> : null) },
                { title: t("apps_ui.source"), key: "src", width: 110, render: (_: unknown, [, a]: [string, CatalogueApp]) => <Tag title={a.source ?? undefined}>{t(`confidences.${a.confidence}`)}</Tag> },
                {
                  title: "",
                  key: "add",
                  width: 80,
                  render: (_: unknown, [, a]: [string, CatalogueApp]) => (
                    <Button size="small" disabled={added.has(a.key)} data-testid={`catalogue-add-${a.key}`} onClick={() => act(call(api.addApp({ key: a.key, name: null, kind: null, facing: null, reads: null })), t("apps_ui.added", { app: a.name[lang] }))}>
                      {added.has(a.key) ? t("apps_ui.in_plan") : t("apps_ui.add")}
                    </Button>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card title={t("apps_ui.custom")}>
            <Form layout="vertical">
              <Form.Item label={t("apps_ui.custom_key")}>
                <Input value={custom.key} onChange={(e) => setCustom({ ...custom, key: e.target.value })} placeholder="crm" />
              </Form.Item>
              <Form.Item label={t("apps_ui.app")}>
                <Input value={custom.name ?? ""} onChange={(e) => setCustom({ ...custom, name: e.target.value || null })} />
              </Form.Item>
              <Form.Item label={t("apps_ui.kind")}>
                <Radio.Group value={custom.kind} onChange={(e) => setCustom({ ...custom, kind: e.target.value })} options={["self_built", "third_party"].map((k) => ({ value: k, label: t(`apps_ui.kind_${k}`) }))} />
              </Form.Item>
              <Form.Item label={t("apps_ui.facing")}>
                <Radio.Group value={custom.facing} onChange={(e) => setCustom({ ...custom, facing: e.target.value })} options={["internal", "customer"].map((k) => ({ value: k, label: t(`apps_ui.facing_${k}`) }))} />
              </Form.Item>
              <Form.Item label={t("apps_ui.reads")}>
                <Checkbox.Group value={custom.reads ?? []} onChange={(v) => setCustom({ ...custom, reads: v as string[] })} options={READS.map((r) => ({ value: r, label: t(`apps_ui.read_${r}`) }))} />
              </Form.Item>
              <Button
                type="primary"
                disabled={!custom.key.trim()}
                onClick={async () => {
                  if (await act(call(api.addApp(custom)), t("apps_ui.added", { app: custom.name || custom.key }))) setCustom({ ...custom, key: "", name: null });
                }}
              >
                {t("apps_ui.add")}
              </Button>
            </Form>
          </Card>
        </Col>
      </Row>
      <Modal
        open={!!draft}
        title={draft ? t("apps_ui.visibility_title", { app: draft.app.name }) : ""}
        onCancel={() => setDraft(null)}
        onOk={saveVisibility}
        okButtonProps={{ id: "app-visibility-ok" }}
        width={620}
      >
        {draft && (
          <Space direction="vertical" style={{ width: "100%" }}>
            <Space>
              <Switch checked={draft.visibility.everyone} onChange={(everyone) => setDraft({ ...draft, visibility: { ...draft.visibility, everyone } })} />
              <Typography.Text>{t("apps_ui.everyone")}</Typography.Text>
            </Space>
            {!draft.visibility.everyone && (
              <>
                <Typography.Text>{t("apps_ui.departments")}</Typography.Text>
                <TreeSelect
                  multiple
                  allowClear
                  showSearch
                  treeNodeFilterProp="value"
                  style={{ width: "100%" }}
                  data-testid="app-visibility-departments"
                  treeData={treeData}
                  value={draft.visibility.departments as string[]}
                  onChange={(departments: string[]) => setDraft({ ...draft, visibility: { ...draft.visibility, departments } })}
                />
                <Typography.Text>{t("apps_ui.roles")}</Typography.Text>
                <Select mode="multiple" style={{ width: "100%" }} options={roles} value={(draft.visibility.roles ?? []).map(String)} onChange={(r: string[]) => setDraft({ ...draft, visibility: { ...draft.visibility, roles: r.map(Number) } })} />
                <Typography.Text>{t("apps_ui.members")}</Typography.Text>
                <div>
                  {(draft.visibility.members ?? []).map((u) => (
                    <Tag key={u} closable onClose={() => setDraft({ ...draft, visibility: { ...draft.visibility, members: draft.visibility.members.filter((m) => m !== u) } })}>
                      {u}
                    </Tag>
                  ))}
                </div>
                <MemberPicker style={{ width: "100%" }} value={undefined} exclude={draft.visibility.members} placeholder={t("apps_ui.add_member")} onChange={(u: string) => u && setDraft({ ...draft, visibility: { ...draft.visibility, members: [...draft.visibility.members, u] } })} />
              </>
            )}
            <Typography.Text>{t("apps_ui.admins")}</Typography.Text>
            <div>
              {draft.admins.map((u) => (
                <Tag key={u} closable onClose={() => setDraft({ ...draft, admins: draft.admins.filter((m) => m !== u) })}>
                  {u}
                </Tag>
              ))}
            </div>
            <MemberPicker style={{ width: "100%" }} value={undefined} exclude={draft.admins} placeholder={t("apps_ui.add_admin")} onChange={(u: string) => u && setDraft({ ...draft, admins: [...draft.admins, u] })} />
          </Space>
        )}
      </Modal>
    </Space>
  );
}
