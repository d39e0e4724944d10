import { useEffect, useMemo, useRef, useState } from "react";
import { Input, Table, Tooltip, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { usePresentation } from "../../shell/presentation";
import { api, call, type Matrix, type MemberPermissions } from "../../api";
import { useReport } from "../../shell/useReport";
import { useHeight } from "../../shell/useHeight";
import { useWorkspace } from "../../shell/workspace";
import { scopeLabel } from "./matrixView";

/** Members × permissions, as they effectively hold them, with the role behind each grant. */
export default function MembersTab({ matrix }: { matrix: Matrix }) {
  const { t, i18n } = useTranslation();
  const pres = usePresentation();
  const lang = i18n.language as "zh-CN" | "en-US";
  const report = useReport();
  const { revision } = useWorkspace();
  const [rows, setRows] = useState<MemberPermissions[]>([]);
  const [search, setSearch] = useState("");
  const box = useRef<HTMLDivElement>(null);
  const height = useHeight(box);

  useEffect(() => {
    call(api.effectivePermissions()).then(setRows).catch(report);
  }, [revision, report]);

  const shown = useMemo(() => {
    const s = search.trim().toLowerCase();
    return s ? rows.filter((r) => r.name.toLowerCase().includes(s) || r.userid.toLowerCase().includes(s)) : rows;
  }, [rows, search]);

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
      <Input.Search allowClear placeholder={t("permissions_ui.members_filter")} value={search} onChange={(e) => setSearch(e.target.value)} style={{ width: 280, marginBottom: 12 }} />
      <div ref={box} style={{ flex: 1, minHeight: 200 }}>
        <Table<MemberPermissions>
          size="small"
          virtual
          rowKey="userid"
          pagination={false}
          columns={columns}
          dataSource={shown}
          scroll={{ x: 150 + 130 * matrix.permissions.length, y: Math.max(height - 48, 160) }}
        />
      </div>
    </div>
  );
}
