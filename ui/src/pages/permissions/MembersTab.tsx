import { useRef, useState } from "react";
import { Input, Table, Tooltip, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { usePresentation } from "../../shell/presentation";
import { api, call, type Matrix, type MemberPermissions } from "../../api";
import { useReport } from "../../shell/useReport";
import { useHeight } from "../../shell/useHeight";
import { pagination, usePaged } from "../../shell/usePaged";
import { useWorkspace } from "../../shell/workspace";
import { scopeLabel } from "./matrixView";

/** Members × permissions, as they effectively hold them, with the role behind each grant. */
export default function MembersTab({ matrix }: { matrix: Matrix }) {
  const { t, i18n } = useTranslation();
  const pres = usePresentation();
  const lang = i18n.language as "zh-CN" | "en-US";
  const report = useReport();
  const { revision } = useWorkspace();
  const [search, setSearch] = useState("");
  const box = useRef<HTMLDivElement>(null);
  const height = useHeight(box);
  // A page at a time, searched by the core (a workspace may hold a million members).
  const { rows, total, page, loading, turn } = usePaged((offset, limit) => call(api.effectivePermissionsPage({ search: search || null, offset, limit })), search, revision, report);

  const columns = [
    {
      title: t("fields.name"),
      key: "name",
      width: 150,
      fixed: "left" as const,
      render: (_: unknown, m: MemberPermissions) => (
        <span>
          {pres.name(m.name)} <Typography.Text type="secondary">{m.userid}</Typography.Text>
          {!m.active && <Typography.Text type="danger"> {t("permissions_ui.holds_nothing")}</Typography.Text>}
        </span>
      ),
    },
    ...matrix.permissions.map((p) => ({
      title: p.name[lang],
      key: p.key,
      width: 130,
      render: (_: unknown, m: MemberPermissions) => {
        const grants = m.grants.filter((g) => g.permission === p.key);
        if (grants.length === 0) return null;
        const widest = grants.find((g) => g.scope === "organization") ?? grants[0];
        return (
          <Tooltip title={grants.map((g) => `${scopeLabel(t, g.scope, g.departments)} ← ${g.role[lang]}`).join("\n")}>
            <Typography.Text ellipsis style={{ maxWidth: 118 }}>
              {scopeLabel(t, widest.scope, widest.departments)}
            </Typography.Text>
          </Tooltip>
        );
      },
    })),
  ];

  return (
    <div style={{ display: "flex", flexDirection: "column", height: "100%", minHeight: 0 }}>
      <Input.Search allowClear placeholder={t("permissions_ui.members_filter")} value={search} onChange={(e) => setSearch(e.target.value)} style={{ width: 280, marginBottom: 12 }} data-testid="permissions-member-search" />
      <div ref={box} style={{ flex: 1, minHeight: 200 }}>
        <Table<MemberPermissions>
          size="small"
          virtual
          rowKey="userid"
          loading={loading}
          pagination={pagination(page, total, turn, (n) => t("members.count", { count: n }))}
          columns={columns}
          dataSource={rows}
          scroll={{ x: 150 + 130 * matrix.permissions.length, y: Math.max(height - 48 - 48, 160) }}
        />
      </div>
    </div>
  );
}
