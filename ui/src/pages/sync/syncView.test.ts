import { describe, expect, it } from "vitest";
import { changeText, opColor, OPS, statusColor, unfinished } from "./syncView";

describe("syncView", () => {
  it("shows a change as from → to, a new value alone, lists joined and masked", () => {
    const same = (s: string | null) => s ?? "";
    expect(changeText({ from: "门店部", to: "门店" }, same)).toBe("门店部 → 门店");
    expect(changeText({ from: null, to: "张三" }, same)).toBe("张三");
    expect(changeText({ from: ["鲜果/门店"], to: [] }, same)).toBe("鲜果/门店 → —");
    expect(changeText({ from: null, to: "13800000001" }, (s) => (s ? `${s.slice(0, 3)}****` : ""))).toBe("138****");
  });

  it("colours creates, updates and deletes, in the plan's order", () => {
    expect(OPS[0]).toBe("create_department");
    expect(OPS[OPS.length - 1]).toBe("delete_department");
    expect([opColor("create_member"), opColor("update_department"), opColor("delete_member")]).toEqual(["green", "blue", "red"]);
  });
});

describe("a run's journal", () => {
  const entry = (seq: number, status: "queued" | "pending" | "done" | "failed") => ({ seq, op: "create_member" as const, target: `u${seq}`, status, live_id: null, errcode: null, message: null, updated_at: "" });

  it("can be resumed when it stopped part way, not when it finished or never started", () => {
    expect(unfinished([entry(0, "done"), entry(1, "failed"), entry(2, "queued")])).toBe(true);
    expect(unfinished([entry(0, "pending"), entry(1, "queued")])).toBe(true);
    expect(unfinished([entry(0, "done"), entry(1, "done")])).toBe(false);
    expect(unfinished([entry(0, "queued")])).toBe(false);
    expect(unfinished([])).toBe(false);
  });

  it("colours done green, failed red and pending orange", () => {
    expect(["done", "failed", "pending", "queued"].map(statusColor)).toEqual(["green", "red", "orange", "default"]);
  });
});
