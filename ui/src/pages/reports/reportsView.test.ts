import { describe, expect, it } from "vitest";
import type { Problem } from "../../api";
import { besideWorkspace, canExport, defaultFileName, ordered, percent, tally } from "./reportsView";

const problem = (severity: Problem["severity"], row: number | null, rule = "contact_missing"): Problem => ({
  severity,
  rule,
  row,
  userid: row === null ? null : `u${row}`,
  name: row === null ? null : `成员${row}`,
  department: null,
  message: "m",
  fix: "f",
});

describe("reports view", () => {
  const wecom = { kind: "members" as const, format: "wecom", extension: "xlsx", platform: "wecom" };

  it("counts errors and warnings", () => {
    expect(tally([problem("error", 3), problem("warning", 4), problem("warning", null)])).toEqual({ errors: 1, warnings: 2 });
  });

  it("lists errors first, then by row", () => {
    const rows = ordered([problem("warning", 2), problem("error", 9), problem("error", null), problem("warning", null)]);
    expect(rows.map((p) => [p.severity, p.row])).toEqual([
      ["error", null],
      ["error", 9],
      ["warning", null],
      ["warning", 2],
    ]);
  });

  it("blocks a platform file with errors unless forced, never the report", () => {
    expect(canExport({ kind: "report" }, null, false)).toBe(true);
    expect(canExport(wecom, null, false)).toBe(false);
    expect(canExport(wecom, [], false)).toBe(true);
    expect(canExport(wecom, [problem("warning", 2)], false)).toBe(true);
    expect(canExport(wecom, [problem("error", 2)], false)).toBe(false);
    expect(canExport(wecom, [problem("error", 2)], true)).toBe(true);
  });

  it("names files after the company, the content and the day", () => {
    const day = new Date("2026-11-25T10:00:00Z");
    expect(defaultFileName("示例科技", "企业微信-成员导入", day)).toBe("示例科技-企业微信-成员导入-2026-11-25.xlsx");
    expect(defaultFileName("A/B:C", "报告", day, "csv")).toBe("A-B-C-报告-2026-11-25.csv");
  });

  it("turns progress into a bounded percentage", () => {
    expect(percent(0, 0)).toBe(0);
    expect(percent(512, 1024)).toBe(50);
    expect(percent(2000, 1000)).toBe(100);
  });

  it("saves next to the workspace file by default", () => {
    expect(besideWorkspace("/home/a/示例.orgdesk", "r.xlsx")).toBe("/home/a/r.xlsx");
    expect(besideWorkspace("C:\\Users\\a\\w.orgdesk", "r.xlsx")).toBe("C:\\Users\\a\\r.xlsx");
    expect(besideWorkspace(null, "r.xlsx")).toBe("r.xlsx");
  });
});
