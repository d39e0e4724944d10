import { describe, expect, it } from "vitest";
import { approverOfKind, barPercent, conditionsOf, usesField, whenOf } from "./approvalsView";

describe("conditions", () => {
  it("round-trip a band, a department and a rank, keeping nested parts", () => {
    const when = { amount: { gte: 1000, lt: 5000 }, days: { lte: 3 }, department: "公司/销售部", rank: { gte: "M1" }, any: [{ days: { gt: 1 } }] };
    const conds = conditionsOf(when);
    expect(conds).toHaveLength(5);
    expect(whenOf(conds, when)).toEqual(when);
  });
  it("drop empty values and never invent a bound", () => {
    expect(whenOf([{ field: "department", value: " " }, { field: "amount", op: "lt", value: Number.NaN }])).toEqual({});
    expect(conditionsOf(undefined)).toEqual([]);
  });
});

describe("approvers", () => {
  it("start with sensible defaults", () => {
    expect(approverOfKind("manager_chain", ["P1", "M1", "M2"])).toEqual({ kind: "manager_chain", until_rank: "M2" });
  });
});

describe("bars", () => {
  it("scale against the slowest, with a visible minimum", () => {
    expect(barPercent(5, 10)).toBe(50);
    expect(barPercent(0.01, 100)).toBe(2);
    expect(barPercent(null, 10)).toBe(0);
  });
});

describe("fields the routes look at", () => {
  it("are found at any depth, and only those", () => {
    const tpl = { key: "k", name: { "zh-CN": "k", "en-US": "k" }, routes: [{ when: { any: [{ days: { gt: 3 } }] }, steps: [] }, { steps: [] }] };
    expect(usesField(tpl, "days")).toBe(true);
    expect(usesField(tpl, "amount")).toBe(false);
    expect(usesField(undefined, "amount")).toBe(false);
  });
});
