import { describe, expect, it } from "vitest";
import { changeText, opColor, OPS } from "./syncView";

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
