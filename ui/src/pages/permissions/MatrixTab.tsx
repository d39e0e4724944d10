import { useEffect, useMemo, useRef, useState } from "react";
import { App, Button, Dropdown, Form, Input, List, Modal, Popconfirm, Select, Space, Table, Tag, Tooltip, TreeSelect, Typography } from "antd";
import { DeleteOutlined, PlusOutlined, TeamOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { usePresentation } from "../../shell/presentation";
import { api, call, type Department, type Level, type Matrix, type Permission, type Role, type Scope } from "../../api";
import { describe } from "../../errors";
import { useWorkspace } from "../../shell/workspace";
import MemberPicker from "../../shell/MemberPicker";
import { buildTree, type DeptNode } from "../organization/tree";
import { groupByCategory, scopeLabel } from "./matrixView";

const RISK_COLORS = { low: "default", medium: "gold", high: "red" } as const;
const LEVELS: Level[] = ["admin", "department", "employee"];

interface Props {
  matrix: Matrix;
  departments: Department[];
  /** The cell a check points at. */
  focus: { roleId: number; permission: string } | null;
}

type Row = { key: string; permission: Permission; category: string; first: boolean; span: number };

/** Roles as columns, permissions grouped by category as rows; a cell grants, rescopes or revokes. */
export default function MatrixTab({ matrix, departments, focus }: Props) {
  const { t, i18n } = useTranslation();
  const pres = usePresentation();
  const lang = i18n.language as "zh-CN" | "en-US";
  const { message } = App.useApp();
  const { changed } = useWorkspace();
  const [adding, setAdding] = useState(false);
  const [holdersOf, setHoldersOf] = useState<Role | null>(null);
  const [choosing, setChoosing] = useState<{ role: Role; permission: Permission } | null>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const [names, setNames] = useState<Record<string, string>>({});
  const [form] = Form.useForm<{ name: string; level: Level }>();
  const focused = useRef<HTMLSpanElement | null>(null);

  useEffect(() => {
    focused.current?.scrollIntoView({ block: "center", inline: "center", behavior: "smooth" });
  }, [focus]);

  const attempt = async (work: () => Promise<unknown>) => {
    try {
      await work();
      changed();
      return true;
    } catch (e) {
      message.error(describe(t, e));
      return false;
    }
  };

  /** Grants `permission`; no scope: the core's default for the role. */
  const grant = (role: Role, permission: string, scope: Scope | null, depts: number[] = []) =>
    attempt(() => call(api.roleGrant(role.id, permission, scope, depts)));

  const rows: Row[] = useMemo(
    () =>
      groupByCategory(matrix).flatMap((g) =>
        g.permissions.map((p, i) => ({ key: p.key, permission: p, category: g.name[lang], first: i === 0, span: g.permissions.length })),
      ),
    [matrix, lang],
  );

  const treeData = useMemo(() => {
    type Item = { value: number; title: string; children: Item[] };
    const toData = (nodes: DeptNode[]): Item[] => nodes.map((n) => ({ value: n.key, title: n.dept.name, children: toData(n.children) }));
    return toData(buildTree(departments));
  }, [departments]);

  const cell = (role: Role, p: Permission) => {
    const g = role.grants.find((x) => x.permission === p.key);
    const isFocus = focus?.roleId === role.id && focus.permission === p.key;
    const style = isFocus ? { outline: "2px solid #ff4d4f", outlineOffset: 2, borderRadius: 4 } : undefined;
    if (!g) {
      return (
        <span ref={isFocus ? focused : undefined} style={style}>
          <Tooltip title={t("permissions_ui.not_granted")}>
            <Button size="small" type="text" icon={<PlusOutlined />} aria-label={t("permissions_ui.grant")} data-testid={`grant-${role.id}-${p.key}`} onClick={() => grant(role, p.key, null)} />
          </Tooltip>
        </span>
      );
    }
    const scopes: Scope[] = ["organization", "own_subtree", "departments"];
    return (
      <span ref={isFocus ? focused : undefined} style={style}>
        <Dropdown
          trigger={["click"]}
          menu={{
            items: [
              ...scopes.map((s) => ({
                key: s,
                label: `${t("permissions_ui.change_scope")} ${s === "departments" ? t("permissions_ui.choose_departments") : t(`scopes.${s}`)}`,
                disabled: s === g.scope && s !== "departments",
                onClick: () => {
                  if (s === "departments") {
                    setChosen(g.department_ids);
                    setChoosing({ role, permission: p });
                  } else void grant(role, p.key, s);
                },
              })),
              { type: "divider" as const },
              { key: "revoke", danger: true, label: <span data-testid={`revoke-${role.id}-${p.key}`}>{t("permissions_ui.revoke")}</span>, onClick: () => attempt(() => call(api.roleRevoke(role.id, p.key))) },
            ],
          }}
        >
          <Tag color={g.scope === "organization" ? "blue" : "cyan"} style={{ cursor: "pointer", marginInlineEnd: 0 }} data-testid={`cell-${role.id}-${p.key}`} title={g.departments.join("\n")}>
            {scopeLabel(t, g.scope, g.departments)}
          </Tag>
        </Dropdown>
      </span>
    );
  };

  const columns = [
    {
      title: t("permissions_ui.category"),
      dataIndex: "category",
      width: 100,
      fixed: "left" as const,
      onCell: (r: Row) => ({ rowSpan: r.first ? r.span : 0, style: { verticalAlign: "top" } }),
    },
    {
      title: t("permissions_ui.permission"),
      key: "permission",
      width: 190,
      fixed: "left" as const,
      render: (_: unknown, r: Row) => (
        <Space size={4}>
          <Tooltip title={r.permission.description[lang]}>
            <span>{r.permission.name[lang]}</span>
          </Tooltip>
          <Tag color={RISK_COLORS[r.permission.risk]}>{t(`risks.${r.permission.risk}`)}</Tag>
        </Space>
      ),
    },
    ...matrix.roles.map((role) => ({
      key: `r${role.id}`,
      width: 150,
      title: (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{role.name[lang]}</Typography.Text>
          <Space size={4}>
            <Tag>{t(`levels.${role.level}`)}</Tag>
            {role.everyone ? (
              <Typography.Text type="secondary">{t("permissions_ui.everyone")}</Typography.Text>
            ) : (
              <Button size="small" type="link" icon={<TeamOutlined />} onClick={() => openHolders(role)} data-testid={`holders-${role.id}`}>
                {role.holders.length}
              </Button>
            )}
            {!role.builtin && (
              <Popconfirm
                title={t("permissions_ui.delete_role_title", { role: role.name[lang] })}
                description={t("permissions_ui.delete_role_hint")}
                onConfirm={() => attempt(() => call(api.roleDelete(role.id)))}
              >
                <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t("permissions_ui.delete_role")} />
              </Popconfirm>
            )}
          </Space>
        </Space>
      ),
      render: (_: unknown, r: Row) => cell(role, r.permission),
    })),
  ];

  const openHolders = (role: Role) => setHoldersOf(role);
  const holdersRole = holdersOf ? matrix.roles.find((r) => r.id === holdersOf.id) ?? null : null;

  // The holders' names, looked up one by one (a role has few holders, a workspace may have a million members).
  const holders = holdersRole?.holders.join("\n") ?? "";
  useEffect(() => {
    let live = true;
    const wanted = holders ? holders.split("\n") : [];
    Promise.all(wanted.map((u) => call(api.getMember(u)).then((m) => [u, m.name] as const, () => [u, u] as const))).then(
      (pairs) => live && setNames(Object.fromEntries(pairs)),
    );
    return () => {
      live = false;
    };
  }, [holders]);

  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-role">
          {t("permissions_ui.add_role")}
        </Button>
      </Space>
      <Table<Row>
        data-testid="permission-matrix"
        size="small"
        bordered
        pagination={false}
        rowKey="key"
        columns={columns}
        dataSource={rows}
        scroll={{ x: 290 + 150 * matrix.roles.length }}
      />

      <Modal
        open={adding}
        title={t("permissions_ui.add_role_title")}
        onCancel={() => setAdding(false)}
        destroyOnHidden
        onOk={async () => {
          const v = await form.validateFields();
          if (await attempt(() => call(api.roleAdd(v.name, v.level)))) setAdding(false);
        }}
      >
        <Form form={form} layout="vertical" initialValues={{ level: "admin" }} preserve={false}>
          <Form.Item name="name" label={t("permissions_ui.role_name")} rules={[{ required: true, whitespace: true }]}>
            <Input placeholder={t("permissions_ui.role_name_placeholder")} maxLength={64} />
          </Form.Item>
          <Form.Item name="level" label={t("permissions_ui.level")} extra={t("permissions_ui.level_hint")}>
            <Select options={LEVELS.map((l) => ({ value: l, label: t(`levels.${l}`) }))} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal open={!!holdersRole} title={holdersRole ? t("permissions_ui.holders_title", { role: holdersRole.name[lang] }) : ""} footer={null} onCancel={() => setHoldersOf(null)}>
        {holdersRole && (
          <>
            <MemberPicker
              style={{ width: "100%", marginBottom: 12 }}
              placeholder={t("permissions_ui.add_holder")}
              value={null}
              exclude={holdersRole.holders}
              onChange={(userid: string) => attempt(() => call(api.roleAssign(holdersRole.id, userid)))}
              data-testid="add-holder"
            />
            <List
              locale={{ emptyText: t("permissions_ui.no_holders") }}
              dataSource={holdersRole.holders}
              renderItem={(u) => (
                <List.Item actions={[<Button key="x" size="small" danger type="link" onClick={() => attempt(() => call(api.roleUnassign(holdersRole.id, u)))}>{t("common.delete")}</Button>]}>
                  {pres.name(names[u] ?? u)} <Typography.Text type="secondary">({u})</Typography.Text>
                </List.Item>
              )}
            />
          </>
        )}
      </Modal>

      <Modal
        open={!!choosing}
        title={choosing ? t("permissions_ui.choose_departments_title", { role: choosing.role.name[lang], permission: choosing.permission.name[lang] }) : ""}
        onCancel={() => setChoosing(null)}
        okButtonProps={{ disabled: chosen.length === 0 }}
        onOk={async () => {
          if (choosing && (await grant(choosing.role, choosing.permission.key, "departments", chosen))) setChoosing(null);
        }}
      >
        <TreeSelect multiple treeDefaultExpandAll style={{ width: "100%" }} treeData={treeData} value={chosen} onChange={(v) => setChosen(v as number[])} />
      </Modal>
    </>
  );
}
