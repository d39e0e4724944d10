import { useCallback, useMemo, useRef, useState } from "react";
import { App, Breadcrumb, Button, Input, Modal, Space, Switch, Table, Typography, type ButtonProps, type TableColumnsType } from "antd";
import { PlusOutlined, SearchOutlined } from "@ant-design/icons";
import DeleteSvg from "@ant-design/icons-svg/es/asn/DeleteOutlined";
import EditSvg from "@ant-design/icons-svg/es/asn/EditOutlined";
import LogoutSvg from "@ant-design/icons-svg/es/asn/LogoutOutlined";
import { useTranslation } from "react-i18next";
import { api, call, type Case, type Department, type Member, type MemberStatus } from "../../api";
import CaseSteps from "../lifecycle/CaseSteps";
import OffboardDialog from "../lifecycle/OffboardDialog";
import { describe } from "../../errors";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import MemberForm from "./MemberForm";
import { useHeight } from "../../shell/useHeight";
import { usePresentation } from "../../shell/presentation";
import { useScrolled } from "../../shell/useScrolled";
import VirtualRows, { type RowsHandle } from "../../shell/VirtualRows";
import { PlainIcon, PlainTag, type TagColor } from "../../shell/plain";

const STATUS_COLORS: Record<MemberStatus, TagColor> = {
  invited: "gold",
  unverified: "orange",
  active: "green",
  frozen: "blue",
  departed: "default",
};

interface Props {
  department: Department | null;
  departments: Department[];
}

/**
 * A row's action as a plain icon button: an antd Button in every row (its theme, wave and
 * context) is what made a new page of rows slow to draw.
 */
function RowAction({ icon, label, danger, disabled, onClick, testid }: { icon: React.ReactNode; label: string; danger?: boolean; disabled?: boolean; onClick: () => void; testid: string }) {
  return (
    <button type="button" className={danger ? "row-action row-action-danger" : "row-action"} aria-label={label} title={label} disabled={disabled} onClick={onClick} data-testid={testid}>
      {icon}
    </button>
  );
}

export default function MemberTable({ department, departments }: Props) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { revision, changed } = useWorkspace();
  const [search, setSearch] = useState("");
  const [includeSub, setIncludeSub] = useState(true);
  const [editing, setEditing] = useState<Member | "new" | null>(null);
  const [offboarding, setOffboarding] = useState<Member | null>(null);
  const [leaver, setLeaver] = useState<Case | null>(null);
  const report = useReport();
  const pres = usePresentation();
  const box = useRef<HTMLDivElement>(null);
  const height = useHeight(box);

  // A new department, search or switch starts at the top; an edit (revision) stays put. Rows
  // are read as the table scrolls.
  const filter = JSON.stringify([department?.id ?? null, includeSub, search]);
  const rowsHandle = useRef<RowsHandle>(null);
  const toTop = useCallback(() => rowsHandle.current?.toTop(), []);
  const {
    rows: members,
    total,
    loading,
    answered,
    onScroll,
  } = useScrolled((offset, limit) => call(api.memberPage({ department: department?.id ?? null, direct_only: !includeSub, search: search || null, offset, limit })), filter, revision, report, toTop);

  // The columns (and below, the table) are made again only when what they show changes, not on
  // every keystroke in the search box.
  const columns = useMemo<TableColumnsType<Member>>(() => {
    const remove = async (m: Member) => {
      try {
        await call(api.deleteMember(m.userid));
        message.success(t("members.deleted", { name: m.name }));
        changed();
      } catch (e) {
        message.error(describe(t, e));
      }
    };

    return [
      {
        title: t("fields.name"),
        dataIndex: "name",
        width: 150,
        render: (name: string, m) => (
          <div className="member-name-cell">
            {/* A plain circle: antd's Avatar measures its text in every row, which a long page feels. */}
            <span className="member-avatar">{pres.name(name).slice(-2)}</span>
            <span data-testid="member-name">{pres.name(name)}</span>
            {m.leader_of.length > 0 && (
              <PlainTag color="purple" title={m.leader_of.join("\n")}>
                {t("members.leader_tag")}
              </PlainTag>
            )}
          </div>
        ),
      },
      { title: t("fields.userid"), dataIndex: "userid", width: 110, ellipsis: true },
      { title: t("fields.position"), dataIndex: "position", width: 110, ellipsis: true },
      {
        title: t("fields.departments"),
        dataIndex: "departments",
        width: 100,
        ellipsis: true,
        render: (paths: string[]) => <span title={paths.join("\n")}>{paths.map((p) => p.split("/").at(-1)).join("、")}</span>,
      },
      {
        title: t("fields.mobile"),
        dataIndex: "mobile",
        width: 130,
        render: (v: string | null) => (
          <span data-testid="member-mobile" style={{ whiteSpace: "nowrap" }}>
            {pres.mobile(v)}
          </span>
        ),
      },
      { title: t("fields.email"), dataIndex: "email", width: 160, ellipsis: true, render: (v: string | null) => pres.email(v) },
      {
        title: t("fields.status"),
        dataIndex: "status",
        width: 76,
        render: (s: MemberStatus) => <PlainTag color={STATUS_COLORS[s]}>{t(`statuses.${s}`)}</PlainTag>,
      },
      {
        title: t("members.actions"),
        key: "actions",
        width: 104,
        fixed: "right",
        render: (_, m) => (
          <div className="row-actions">
            <RowAction icon={<PlainIcon icon={EditSvg} />} label={t("common.edit")} onClick={() => setEditing(m)} testid={`edit-${m.userid}`} />
            <RowAction icon={<PlainIcon icon={LogoutSvg} />} label={t("lifecycle_ui.offboard")} disabled={m.status === "departed"} onClick={() => setOffboarding(m)} testid={`offboard-${m.userid}`} />
            {/* The confirmation opens on click: a Popconfirm in every row slows each page down. */}
            <RowAction
              icon={<PlainIcon icon={DeleteSvg} />}
              label={t("common.delete")}
              danger
              testid={`delete-${m.userid}`}
              onClick={() =>
                modal.confirm({
                  title: t("members.delete_title", { name: m.name }),
                  content: t("members.delete_hint"),
                  okText: t("common.delete"),
                  okButtonProps: { danger: true, "data-testid": "confirm-ok" } as ButtonProps,
                  cancelText: t("common.cancel"),
                  onOk: () => remove(m),
                })
              }
            />
          </div>
        ),
      },
    ];
  }, [t, pres, message, modal, changed]);

  // The dialogs are drawn again only when what they show changes, not on every keystroke.
  const closeForm = useCallback(() => setEditing(null), []);
  const closeOffboard = useCallback(() => setOffboarding(null), []);
  const offboarded = useCallback(
    (c: Case) => {
      setLeaver(c);
      changed();
    },
    [changed],
  );

  const crumbs = department ? department.path.split("/").map((title) => ({ title })) : [{ title: t("members.all") }];

  // The rows in view only, drawn plainly (VirtualRows) under antd's header.
  const width = columns.reduce((sum, c) => sum + Number(c.width ?? 0), 0);
  const bodyHeight = Math.max(height - 48, 120);
  const table = useMemo(
    () => (
      <Table<Member>
        data-testid="member-table"
        rowKey="id"
        size="middle"
        scroll={{ x: width, y: bodyHeight }}
        columns={columns}
        dataSource={members}
        loading={loading}
        pagination={false}
        components={{
          body: (data, info) => (
            <VirtualRows<Member>
              data={data}
              columns={columns}
              rowKey={(m) => m.id}
              width={width}
              height={bodyHeight}
              tableRef={info.ref}
              onScroll={(e) => {
                info.onScroll({ currentTarget: e.currentTarget, scrollLeft: e.currentTarget.scrollLeft });
                onScroll(e);
              }}
              empty={t("members.empty")}
              handle={rowsHandle}
            />
          ),
        }}
      />
    ),
    [columns, members, loading, onScroll, width, bodyHeight, t],
  );

  return (
    <div style={{ display: "flex", flexDirection: "column", height: "100%", minHeight: 0 }}>
      <div style={{ display: "flex", alignItems: "center", gap: 12, marginBottom: 12, flexWrap: "wrap" }}>
        <Breadcrumb items={crumbs} style={{ flex: 1, minWidth: 200 }} />
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t("members.search_placeholder")}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 280 }}
          data-testid="member-search"
        />
        <Space size={6}>
          <Switch size="small" checked={includeSub} onChange={setIncludeSub} disabled={!department} />
          <Typography.Text>{t("members.include_sub")}</Typography.Text>
        </Space>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")} disabled={departments.length === 0} data-testid="add-member">
          {t("members.add")}
        </Button>
      </div>
      {/* data-filter: the department, switch and search the rows shown answer (the UI bench waits for it). */}
      <div ref={box} style={{ flex: 1, minHeight: 0 }} data-testid="member-rows" data-filter={answered ?? undefined}>
        {table}
      </div>
      <div style={{ display: "flex", justifyContent: "flex-end", gap: 12, paddingTop: 8 }}>
        <Typography.Text type="secondary" data-testid="member-count">
          {t("members.count", { count: total })}
        </Typography.Text>
        {members.length < total && (
          <Typography.Text type="secondary" data-testid="member-shown">
            {t("members.shown", { count: members.length })}
          </Typography.Text>
        )}
      </div>
      <OffboardDialog member={offboarding} onClose={closeOffboard} onDone={offboarded} />
      <Modal
        open={leaver !== null}
        title={leaver ? t("lifecycle_ui.leaver_title", { name: leaver.name, count: leaver.open }) : ""}
        footer={null}
        width={640}
        onCancel={() => setLeaver(null)}
      >
        {leaver && (
          <CaseSteps
            value={leaver}
            onChange={(c) => {
              setLeaver(c);
              changed();
            }}
          />
        )}
      </Modal>
      {/* The department matters only to a new member's form: clicking another one leaves the form be. */}
      <MemberForm
        member={editing}
        departments={departments}
        defaultDepartment={editing === "new" ? department : null}
        onClose={closeForm}
      />
    </div>
  );
}
