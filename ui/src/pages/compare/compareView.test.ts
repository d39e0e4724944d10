import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import type { Claim, CompareRow } from "../../api";
import { filterRows, sourceUrl, valueText } from "./compareView";

const claim = (value: Claim["value"], confidence: Claim["confidence"] = "official"): Claim => ({ value, note: null, source: "x", checked: "2026-11-01", confidence, current: true });
const row = (id: string, category: string, differs: boolean, confidence: Claim["confidence"] = "official"): CompareRow => ({
  id,
  category,
  category_name: { "zh-CN": category, "en-US": category },
  name: { zh: id, en: id },
  differs,
  cells: { wecom: { ...claim({ type: "yes" }, confidence), history: [] } },
});

describe("compare page helpers", () => {
  it("write values in the user's language", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(valueText(i18n.t, "zh-CN", claim({ type: "yes" }))).toBe("支持");
    expect(valueText(i18n.t, "zh-CN", claim({ type: "number", value: 15, unit: "levels" }))).toBe("15 级");
    expect(valueText(i18n.t, "zh-CN", claim({ type: "number", value: 3, unit: "widgets" }))).toBe("3 widgets");
    expect(valueText(i18n.t, "en-US", claim({ type: "text", text: { "zh-CN": "甲", "en-US": "A" } }))).toBe("A");
    expect(valueText(i18n.t, "zh-CN", claim(null, "unsourced"))).toBe("未知（无来源）");
  });

  it("filter by category, differences and confidence", () => {
    const rows = [row("a", "security", true), row("b", "security", false), row("c", "api", true, "uncertain")];
    expect(filterRows(rows, null, false, []).length).toBe(3);
    expect(filterRows(rows, "security", false, []).map((r) => r.id)).toEqual(["a", "b"]);
    expect(filterRows(rows, null, true, []).map((r) => r.id)).toEqual(["a", "c"]);
    expect(filterRows(rows, null, false, ["uncertain"]).map((r) => r.id)).toEqual(["c"]);
  });

  it("turn sources into links only when they are addresses", () => {
    expect(sourceUrl("developer.work.weixin.qq.com/document/path/90341")).toBe("https://developer.work.weixin.qq.com/document/path/90341");
    expect(sourceUrl("https://example.com/a; other")).toBe("https://example.com/a");
    expect(sourceUrl("setup guide (undated)")).toBeNull();
    expect(sourceUrl(null)).toBeNull();
  });
});
