import { memo, useEffect, useMemo, useRef, useState } from "react";
import { App, Button, Dropdown, Empty, Tooltip, Tree, Typography, type ButtonProps, type MenuProps, type TreeProps } from "antd";
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  EditOutlined,
  EyeInvisibleOutlined,
  EyeOutlined,
  LockOutlined,
  MoreOutlined,
  PlusOutlined,
  ShopOutlined,
  SwapOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { api, call, type Department } from "../../api";
import { describe } from "../../errors";
import { useWorkspace } from "../../shell/workspace";
import { useHeight } from "../../shell/useHeight";
import { MoveDialog, NameDialog } from "./DepartmentDialogs";
import { VisibilityDialog } from "./VisibilityDialog";
import { buildTree, computeDrop, dropMode, initialExpanded, siblings, type DeptNode } from "./tree";

interface Props {
  departments: Department[];
  selected: number | null;
  onSelect: (id: number | null) => void;
}

/** A department's flag (sensitive, hidden…): an icon with its meaning on hover. */
function Flag({ label, icon: Icon, color, testid }: { label: string; icon: typeof LockOutlined; color: string; testid?: string }) {
  return (
    <Tooltip title={label}>
      <Icon style={{ color }} aria-label={label} data-testid={testid} />
    </Tooltip>
  );
}

interface TitleProps {
  dept: Department;
  /** The actions menu's items while it is open, else null. */
  menu: MenuProps["items"] | null;
  onMenu: (d: Department | null) => void;
}

/**
 * A department's line in the tree: its name, flags, member count and actions button. Drawn again
 * only when the department or its open menu changes (a click on the tree redraws every node in
 * view), and the menu's antd Dropdown exists only while it is open: one in every node made each
 * click on the tree slow to answer.
 */
const DeptTitle = memo(function DeptTitle({ dept: d, menu, onMenu }: TitleProps) {
  const { t } = useTranslation();
  // Opening the menu puts the button inside the Dropdown (a new element): focus goes back to it,
  // so the keyboard carries on from where it was.
  const button = useRef<HTMLButtonElement>(null);
  const open = menu !== null;
  useEffect(() => {
    if (open) button.current?.focus();
  }, [open]);
  const actions = (
    <button
      ref={button}
      type="button"
      className="row-action tree-node-actions"
      aria-label={t("common.more")}
      title={t("common.more")}
      data-testid={`dept-actions-${d.id}`}
      onClick={(e) => {
        e.stopPropagation();
        onMenu(menu ? null : d);
      }}
    >
      <MoreOutlined />
    </button>
  );
  return (
    <span className="tree-node" data-testid={`dept-${d.id}`} data-path={d.path}>
      <span className="tree-node-name">{d.name}</span>
      {d.sensitive && <Flag label={t("org.sensitive_tag")} icon={LockOutlined} color="#fa8c16" />}
      {d.visibility.hidden && <Flag label={t("org.hidden_tag")} icon={EyeInvisibleOutlined} color="#8c8c8c" testid={`dept-hidden-${d.id}`} />}
      {d.customer_facing && <Flag label={t("org.customer_facing_tag")} icon={ShopOutlined} color="#1677ff" />}
      {d.visibility.only_own && <Flag label={t("org.only_own_tag")} icon={TeamOutlined} color="#8c8c8c" />}
      <span className="tree-node-count" title={t("org.counts", { direct: d.member_count, total: d.total_member_count })}>
        {d.total_member_count}
      </span>
      {menu ? (
        <Dropdown menu={{ items: menu }} trigger={["click"]} open onOpenChange={(open) => open || onMenu(null)}>
          {actions}
        </Dropdown>
      ) : (
        actions
      )}
    </span>
  );
});

type Dialog = { kind: "add"; parent: Department | null } | { kind: "rename"; dept: Department } | null;

export default function DepartmentTree({ departments, selected, onSelect }: Props) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { changed } = useWorkspace();
  const [expanded, setExpanded] = useState<number[]>([]);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [moving, setMoving] = useState<Department | null>(null);
  const [visibilityOf, setVisibilityOf] = useState<Department | null>(null);
  // The department whose actions menu is open (one at a time).
  const [menuOf, setMenuOf] = useState<Department | null>(null);
  const [initialised, setInitialised] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const height = useHeight(box);

  useEffect(() => {
    if (!initialised && departments.length > 0) {
      setExpanded(initialExpanded(departments));
      setInitialised(true);
    }
  }, [departments, initialised]);

  /** Runs a change; shows the core's message on failure. Returns whether it worked. */
  const attempt = async (work: () => Promise<Department>, done: (d: Department) => string): Promise<boolean> => {
    try {
      const d = await work();
      message.success(done(d));
      changed();
      return true;
    } catch (e) {
      message.error(describe(t, e));
      return false;
    }
  };

  /** Expands `parent` so that a department just put under it is visible. */
  const reveal = (parent: number | null) => {
    if (parent !== null) setExpanded((e) => (e.includes(parent) ? e : [...e, parent]));
  };

  const move = (d: Department, parent: number | null, position: number | null) =>
    attempt(
      () => call(api.moveDepartment(d.id, parent, position)),
      (m) => {
        reveal(parent);
        onSelect(m.id);
        return t("org.moved", { path: m.path });
      },
    );

  const confirmDelete = (d: Department) =>
    modal.confirm({
      title: t("org.delete_title", { name: d.name }),
      content: t("org.delete_hint"),
      okText: t("common.delete"),
      okButtonProps: { danger: true, "data-testid": "confirm-ok" } as ButtonProps,
      cancelText: t("common.cancel"),
      onOk: async () => {
        const ok = await attempt(
          () => call(api.deleteDepartment(d.id)),
          (x) => t("org.deleted", { path: x.path }),
        );
        if (ok && selected === d.id) onSelect(d.parent_id);
      },
    });

  const menuFor = (d: Department) => {
    const sibs = siblings(departments, d.parent_id);
    const index = sibs.findIndex((s) => s.id === d.id);
    const item = (key: string, icon: React.ReactNode, label: string, onClick: () => void, extra: object = {}) => ({
      key,
      icon,
      label: <span data-testid={`dept-action-${key}`}>{label}</span>,
      onClick: ({ domEvent }: { domEvent: React.MouseEvent | React.KeyboardEvent }) => {
        domEvent.stopPropagation();
        onClick();
      },
      ...extra,
    });
    return [
      item("add", <PlusOutlined />, t("org.add_child"), () => setDialog({ kind: "add", parent: d })),
      item("rename", <EditOutlined />, t("common.rename"), () => setDialog({ kind: "rename", dept: d })),
      item("move", <SwapOutlined />, t("org.move"), () => setMoving(d)),
      item("up", <ArrowUpOutlined />, t("org.move_up"), () => move(d, d.parent_id, index - 1), { disabled: index <= 0 }),
      item("down", <ArrowDownOutlined />, t("org.move_down"), () => move(d, d.parent_id, index + 1), { disabled: index >= sibs.length - 1 }),
      item("sensitive", <LockOutlined />, d.sensitive ? t("org.unmark_sensitive") : t("org.mark_sensitive"), () =>
        attempt(
          () => call(api.setDepartmentSensitive(d.id, !d.sensitive)),
          (x) => t(x.sensitive ? "org.sensitive_on" : "org.sensitive_off", { path: x.path }),
        ),
      ),
      item("visibility", <EyeOutlined />, t("org.visibility"), () => setVisibilityOf(d)),
      item("customer_facing", <ShopOutlined />, d.customer_facing ? t("org.unmark_customer_facing") : t("org.mark_customer_facing"), () =>
        attempt(
          () => call(api.setDepartmentCustomerFacing(d.id, !d.customer_facing)),
          (x) => t(x.customer_facing ? "org.customer_facing_on" : "org.customer_facing_off", { path: x.path }),
        ),
      ),
      { type: "divider" as const },
      item("delete", <DeleteOutlined />, t("common.delete"), () => confirmDelete(d), { danger: true }),
    ];
  };

  const treeData = useMemo(() => {
    const toData = (nodes: DeptNode[]): NonNullable<TreeProps["treeData"]> =>
      nodes.map((n) => ({ key: n.key, title: n.dept.name, dept: n.dept, children: toData(n.children) }));
    return toData(buildTree(departments));
  }, [departments]);

  const onDrop: TreeProps["onDrop"] = (info) => {
    const dragged = departments.find((d) => d.id === Number(info.dragNode.key));
    if (!dragged) return;
    const mode = dropMode({ dropToGap: info.dropToGap, dropPosition: info.dropPosition, nodePos: info.node.pos });
    const { parent, position } = computeDrop(departments, dragged.id, Number(info.node.key), mode);
    void move(dragged, parent, position);
  };

  const submitName = async (name: string) => {
    if (!dialog) return false;
    if (dialog.kind === "add") {
      return attempt(
        () => call(api.addDepartment(dialog.parent?.id ?? null, name)),
        (d) => {
          reveal(dialog.parent?.id ?? null);
          onSelect(d.id);
          return t("org.added", { path: d.path });
        },
      );
    }
    return attempt(
      () => call(api.renameDepartment(dialog.dept.id, name)),
      (d) => t("org.renamed", { path: d.path }),
    );
  };

  return (
    <div style={{ display: "flex", flexDirection: "column", height: "100%", minHeight: 0 }}>
      <div style={{ display: "flex", alignItems: "center", justifyContent: "space-between", marginBottom: 8 }}>
        <Typography.Text strong>{t("org.departments")}</Typography.Text>
        <Tooltip title={t("org.add_top")}>
          <Button
            size="small"
            icon={<PlusOutlined />}
            aria-label={t("org.add_top")}
            data-testid="add-top-department"
            onClick={() => setDialog({ kind: "add", parent: null })}
          />
        </Tooltip>
      </div>
      {/* Only the rows in view are rendered (a virtual tree of the container's height): 30,000 departments stay smooth. */}
      <div ref={box} style={{ flex: 1, minHeight: 0, overflow: "hidden" }} data-testid="department-tree">
        {departments.length === 0 ? (
          <Empty description={<>{t("org.empty")}<br /><Typography.Text type="secondary">{t("org.empty_hint")}</Typography.Text></>} />
        ) : (
            <Tree
              height={Math.max(height, 100)}
              blockNode
              draggable={{ icon: false }}
              treeData={treeData}
              expandedKeys={expanded}
              onExpand={(keys) => setExpanded(keys.map(Number))}
              selectedKeys={selected === null ? [] : [selected]}
              onSelect={(keys) => onSelect(keys.length ? Number(keys[0]) : null)}
              onDrop={onDrop}
              titleRender={(node) => {
                const d = (node as unknown as { dept: Department }).dept;
                return <DeptTitle dept={d} menu={menuOf?.id === d.id ? menuFor(d) : null} onMenu={setMenuOf} />;
              }}
            />
        )}
      </div>
      {departments.length > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12, marginTop: 8 }}>
          {t("org.drag_hint")}
        </Typography.Text>
      )}
      <NameDialog
        open={dialog !== null}
        title={
          dialog?.kind === "rename"
            ? t("org.rename_title", { name: dialog.dept.name })
            : dialog?.parent
              ? t("org.add_child_title", { parent: dialog.parent.path })
              : t("org.add_top_title")
        }
        initial={dialog?.kind === "rename" ? dialog.dept.name : ""}
        onSubmit={submitName}
        onClose={() => setDialog(null)}
      />
      <VisibilityDialog
        dept={visibilityOf}
        departments={departments}
        onSubmit={(d, visibility) =>
          attempt(
            () => call(api.setDepartmentVisibility(d.id, visibility)),
            (x) => t("org.visibility_saved", { path: x.path }),
          )
        }
        onClose={() => setVisibilityOf(null)}
      />
      <MoveDialog
        moving={moving}
        departments={departments}
        onSubmit={(parent) => move(moving!, parent, null)}
        onClose={() => setMoving(null)}
      />
    </div>
  );
}
