// Pure helpers of the Approvals page: a route's `when` as a list of simple conditions (and back),
// default approvers, a new template, bar lengths. Routes in words come from the core.
import type { Approver, Bounds, RankBounds, Template, When } from "../../api";

export type Op = "lt" | "lte" | "gt" | "gte";
export type Condition =
  | { field: "amount" | "days"; op: Op; value: number }
  | { field: "rank"; op: Op; value: string }
  | { field: "department"; value: string };

const OPS: Op[] = ["gte", "gt", "lte", "lt"];

/** The top-level parts of `when` as conditions (nested `all`/`any` are kept aside by `whenOf`). */
export function conditionsOf(when: When | undefined): Condition[] {
  const out: Condition[] = [];
  if (!when) return out;
  for (const field of ["amount", "days"] as const) {
    const b = when[field];
    for (const op of OPS) if (b?.[op] != null) out.push({ field, op, value: b[op] as number });
  }
  for (const op of OPS) if (when.rank?.[op] != null) out.push({ field: "rank", op, value: when.rank[op] as string });
  if (when.department) out.push({ field: "department", value: when.department });
  return out;
}

/** The conditions as a `when`, keeping `base`'s nested `all`/`any`. */
export function whenOf(conditions: Condition[], base?: When): When {
  const when: When = {};
  for (const c of conditions) {
    if (c.field === "department") {
      if (c.value.trim()) when.department = c.value.trim();
    } else if (c.field === "rank") {
      if (c.value.trim()) when.rank = { ...(when.rank ?? {}), [c.op]: c.value.trim() } as RankBounds;
    } else if (Number.isFinite(c.value)) {
      when[c.field] = { ...(when[c.field] ?? {}), [c.op]: c.value } as Bounds;
    }
  }
  if (base?.all?.length) when.all = base.all;
  if (base?.any?.length) when.any = base.any;
  return when;
}

/** An approver of `kind` with its default parameter. */
export function approverOfKind(kind: Approver["kind"], ranks: string[]): Approver {
  switch (kind) {
    case "department_head":
      return { kind, level: 1 };
    case "manager":
      return { kind, levels: 1 };
    case "manager_chain":
      return { kind, until_rank: ranks[ranks.length - 1] ?? "" };
    case "role":
      return { kind, role: "super_admin" };
    case "member":
      return { kind, userid: "" };
  }
}

/** A new template: one route, the direct manager approves. */
export function newTemplate(key: string, name: string): Template {
  return { key, name: { "zh-CN": name, "en-US": name }, fields: [], routes: [{ when: {}, steps: [{ approver: { kind: "manager", levels: 1 }, mode: "all" }] }], cc: [] };
}

/** Whether any route of `template` looks at `field` (at any depth of its conditions). */
export function usesField(template: Template | undefined, field: "amount" | "days"): boolean {
  const inWhen = (w: When | undefined): boolean => !!w && (w[field] != null || (w.all ?? []).some(inWhen) || (w.any ?? []).some(inWhen));
  return (template?.routes ?? []).some((r) => inWhen(r.when));
}

/** Bar length (0–100) of `hours` against the slowest median. */
export function barPercent(hours: number | null, slowest: number): number {
  if (!hours || slowest <= 0) return 0;
  return Math.max(2, Math.round((hours / slowest) * 100));
}
