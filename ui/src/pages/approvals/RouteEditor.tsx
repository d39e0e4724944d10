import { useEffect, useState } from "react";
import { Button, Card, Drawer, Input, InputNumber, Select, Space, Typography } from "antd";
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import type { Approver, ApprovalStep, Template, TemplateRoute } from "../../api";
import MemberPicker from "../../shell/MemberPicker";
import { approverOfKind, conditionsOf, whenOf, type Condition, type Op } from "./approvalsView";

interface Props {
  template: Template | null;
  ranks: string[];
  roles: string[];
  departments: string[];
  onSave: (t: Template) => Promise<boolean>;
  onClose: () => void;
}

const KINDS: Approver["kind"][] = ["department_head", "manager", "manager_chain", "role", "member"];
const OPS: Op[] = ["gte", "gt", "lte", "lt"];

/** One approver: its kind and the parameter that kind takes. */
function ApproverInput({ value, onChange, ranks, roles }: { value: Approver; onChange: (a: Approver) => void; ranks: string[]; roles: string[] }) {
  const { t } = useTranslation();
  return (
    <Space wrap>
      <Select style={{ width: 170 }} value={value.kind} onChange={(k) => onChange(approverOfKind(k, ranks))} options={KINDS.map((k) => ({ value: k, label: t(`approvals_ui.kind_${k}`) }))} />
      {value.kind === "department_head" && <InputNumber min={1} max={32} addonBefore={t("approvals_ui.level")} value={value.level ?? 1} onChange={(v) => onChange({ ...value, level: v ?? 1 })} />}
      {value.kind === "manager" && <InputNumber min={1} max={32} addonBefore={t("approvals_ui.levels")} value={value.levels ?? 1} onChange={(v) => onChange({ ...value, levels: v ?? 1 })} />}
      {value.kind === "manager_chain" && (
        <Select style={{ width: 120 }} placeholder={t("approvals_ui.until_rank")} value={value.until_rank || undefined} onChange={(r) => onChange({ ...value, until_rank: r })} options={ranks.map((r) => ({ value: r, label: r }))} />
      )}
      {value.kind === "role" && <Select style={{ width: 160 }} showSearch value={value.role} onChange={(r) => onChange({ ...value, role: r })} options={roles.map((r) => ({ value: r, label: r }))} />}
      {value.kind === "member" && <MemberPicker style={{ width: 200 }} value={value.userid || undefined} onChange={(u) => onChange({ ...value, userid: u })} />}
    </Space>
  );
}

/**
 * Edits a template's routes: each route's conditions (amount, days, department, rank) and its
 * steps (approver kind and parameter, all/any), and who is copied. Saved as one undoable action.
 */
export default function RouteEditor({ template, ranks, roles, departments, onSave, onClose }: Props) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Template | null>(template);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(template), [template]);
  if (!draft) return null;

  const setRoute = (i: number, r: TemplateRoute) => setDraft({ ...draft, routes: draft.routes.map((x, j) => (j === i ? r : x)) });
  const setConditions = (i: number, conds: Condition[]) => setRoute(i, { ...draft.routes[i], when: whenOf(conds, draft.routes[i].when) });
  const setStep = (i: number, s: number, step: ApprovalStep) => setRoute(i, { ...draft.routes[i], steps: draft.routes[i].steps.map((x, j) => (j === s ? step : x)) });
  const cc = draft.cc ?? [];

  const save = async () => {
    setBusy(true);
    try {
      if (await onSave(draft)) onClose();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={!!template}
      width={760}
      title={t("approvals_ui.edit_title", { key: draft.key })}
      onClose={onClose}
      extra={
        <Button type="primary" loading={busy} onClick={save} data-testid="template-save">
          {t("common.save")}
        </Button>
      }
    >
      <Space direction="vertical" style={{ width: "100%" }} size="middle">
        <Space wrap>
          <Input addonBefore="中文" value={draft.name["zh-CN"]} onChange={(e) => setDraft({ ...draft, name: { ...draft.name, "zh-CN": e.target.value } })} />
          <Input addonBefore="English" value={draft.name["en-US"]} onChange={(e) => setDraft({ ...draft, name: { ...draft.name, "en-US": e.target.value } })} />
        </Space>
        <Typography.Text type="secondary">{t("approvals_ui.first_match")}</Typography.Text>
        {draft.routes.map((route, i) => {
          const conds = conditionsOf(route.when);
          return (
            <Card
              key={i}
              size="small"
              title={t("approvals_ui.route_n", { route: i + 1 })}
              extra={<Button size="small" icon={<DeleteOutlined />} disabled={draft.routes.length === 1} onClick={() => setDraft({ ...draft, routes: draft.routes.filter((_, j) => j !== i) })} />}
            >
              <Typography.Text strong>{t("approvals_ui.when")}</Typography.Text>
              {conds.length === 0 && <Typography.Text type="secondary"> {t("approvals_ui.always")}</Typography.Text>}
              {conds.map((c, ci) => (
                <Space key={ci} wrap style={{ display: "flex", margin: "4px 0" }}>
                  <Select
                    style={{ width: 110 }}
                    value={c.field}
                    onChange={(field) => {
                      const next: Condition = field === "department" ? { field, value: departments[0] ?? "" } : field === "rank" ? { field, op: "gte", value: ranks[0] ?? "" } : { field, op: "gte", value: 0 };
                      setConditions(i, conds.map((x, j) => (j === ci ? next : x)));
                    }}
                    options={["amount", "days", "department", "rank"].map((f) => ({ value: f, label: t(`approvals_ui.field_${f}`) }))}
                  />
                  {c.field !== "department" && (
                    <Select style={{ width: 70 }} value={c.op} onChange={(op) => setConditions(i, conds.map((x, j) => (j === ci ? ({ ...c, op } as Condition) : x)))} options={OPS.map((o) => ({ value: o, label: { lt: "<", lte: "≤", gt: ">", gte: "≥" }[o] }))} />
                  )}
                  {(c.field === "amount" || c.field === "days") && <InputNumber min={0} value={c.value} onChange={(v) => setConditions(i, conds.map((x, j) => (j === ci ? { ...c, value: v ?? 0 } : x)))} />}
                  {c.field === "rank" && <Select style={{ width: 100 }} value={c.value} onChange={(v) => setConditions(i, conds.map((x, j) => (j === ci ? { ...c, value: v } : x)))} options={ranks.map((r) => ({ value: r, label: r }))} />}
                  {c.field === "department" && <Select style={{ width: 260 }} showSearch value={c.value} onChange={(v) => setConditions(i, conds.map((x, j) => (j === ci ? { ...c, value: v } : x)))} options={departments.map((d) => ({ value: d, label: d }))} />}
                  <Button size="small" icon={<DeleteOutlined />} onClick={() => setConditions(i, conds.filter((_, j) => j !== ci))} />
                </Space>
              ))}
              <div>
                <Button size="small" type="link" icon={<PlusOutlined />} onClick={() => setConditions(i, [...conds, { field: "amount", op: "gte", value: 0 }])}>
                  {t("approvals_ui.add_condition")}
                </Button>
              </div>
              <Typography.Text strong>{t("approvals_ui.steps")}</Typography.Text>
              {route.steps.map((s, si) => (
                <Space key={si} wrap style={{ display: "flex", margin: "4px 0" }}>
                  <Typography.Text>{si + 1}.</Typography.Text>
                  <ApproverInput value={s.approver} ranks={ranks} roles={roles} onChange={(a) => setStep(i, si, { ...s, approver: a })} />
                  <Select style={{ width: 110 }} value={s.mode ?? "all"} onChange={(mode) => setStep(i, si, { ...s, mode })} options={["all", "any"].map((m) => ({ value: m, label: t(`approvals_ui.mode_${m}`) }))} />
                  <Button size="small" icon={<DeleteOutlined />} disabled={route.steps.length === 1} onClick={() => setRoute(i, { ...route, steps: route.steps.filter((_, j) => j !== si) })} />
                </Space>
              ))}
              <Button size="small" type="link" icon={<PlusOutlined />} onClick={() => setRoute(i, { ...route, steps: [...route.steps, { approver: { kind: "department_head", level: 1 }, mode: "all" }] })}>
                {t("approvals_ui.add_step")}
              </Button>
            </Card>
          );
        })}
        <Button icon={<PlusOutlined />} onClick={() => setDraft({ ...draft, routes: [...draft.routes, { when: {}, steps: [{ approver: { kind: "manager", levels: 1 }, mode: "all" }] }] })}>
          {t("approvals_ui.add_route")}
        </Button>
        <Card size="small" title={t("approvals_ui.cc")}>
          {cc.map((a, i) => (
            <Space key={i} style={{ display: "flex", margin: "4px 0" }}>
              <ApproverInput value={a} ranks={ranks} roles={roles} onChange={(x) => setDraft({ ...draft, cc: cc.map((y, j) => (j === i ? x : y)) })} />
              <Button size="small" icon={<DeleteOutlined />} onClick={() => setDraft({ ...draft, cc: cc.filter((_, j) => j !== i) })} />
            </Space>
          ))}
          <Button size="small" type="link" icon={<PlusOutlined />} onClick={() => setDraft({ ...draft, cc: [...cc, { kind: "role", role: "super_admin" }] })}>
            {t("approvals_ui.add_cc")}
          </Button>
        </Card>
      </Space>
    </Drawer>
  );
}
