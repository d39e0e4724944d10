import { useMemo, useState } from "react";
import { Empty, List, Select, Space, Tag, TreeSelect, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { usePresentation } from "../../shell/presentation";
import { api, call, type Department, type Holder, type Matrix } from "../../api";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { pagination, usePaged } from "../../shell/usePaged";
import { buildTree, type DeptNode } from "../organization/tree";
import { scopeLabel } from "./matrixView";

/** "Who can …?": everyone holding a permission, in a department when one is chosen. */
export default function WhoCanTab({ matrix, departments }: { matrix: Matrix; departments: Department[] }) {
  const { t, i18n } = useTranslation();
  const pres = usePresentation();
  const lang = i18n.language as "zh-CN" | "en-US";
  const report = useReport();
  const { revision } = useWorkspace();
  const [permission, setPermission] = useState("data.export");
  const [department, setDepartment] = useState<number | null>(null);
  // A page at a time: when everyone holds the permission, a million members are counted, not sent.
  const { rows: holders, total, page, loading, turn } = usePaged(
    (offset, limit) => call(api.whoCanPage(permission, department, offset, limit)),
    `${permission} ${department}`,
    revision,
    report,
  );

  const treeData = useMemo(() => {
    type Item = { value: number; title: string; children: Item[] };
    const toData = (nodes: DeptNode[]): Item[] => nodes.map((n) => ({ value: n.key, title: n.dept.name, children: toData(n.children) }));
    return toData(buildTree(departments));
  }, [departments]);

  return (
    <div>
      <Space wrap style={{ marginBottom: 16 }}>
        {t("permissions_ui.who_permission")}
        <Select style={{ width: 220 }} value={permission} onChange={setPermission} options={matrix.permissions.map((p) => ({ value: p.key, label: p.name[lang] }))} data-testid="who-permission" />
        {t("permissions_ui.who_department")}
        <TreeSelect allowClear treeDefaultExpandAll style={{ width: 240 }} treeData={treeData} value={department ?? undefined} onChange={(v) => setDepartment(v ?? null)} />
      </Space>
      {!loading && total === 0 && <Empty description={t("permissions_ui.who_none")} />}
      {total > 0 && (
        <>
          <Typography.Title level={5}>{t("permissions_ui.who_result", { count: total })}</Typography.Title>
          <List<Holder>
            data-testid="who-can-result"
            loading={loading}
            pagination={pagination(page, total, turn, () => null)}
            dataSource={holders}
            renderItem={(h) => (
              <List.Item>
                <List.Item.Meta title={`${pres.name(h.name)}（${h.userid}）`} />
                <Space wrap>
                  {h.via.map((g, i) => (
                    <Tag key={i} color="blue">
                      {g.role[lang]} · {scopeLabel(t, g.scope, g.departments)}
                    </Tag>
                  ))}
                </Space>
              </List.Item>
            )}
          />
        </>
      )}
    </div>
  );
}
