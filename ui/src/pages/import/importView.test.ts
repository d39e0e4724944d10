import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import type { ImportColumn, PreviewRow } from "../../api";
import { cellIssues, fieldLabel, fileBytes, hasNameColumn, mappingOf } from "./importView";

const row = (n: number, action: PreviewRow["action"], problems = 0, notes = 0): PreviewRow => ({
  row: n,
  action,
  values: [],
  problems: Array.from({ length: problems }, () => ({ row: n, column: "手机", code: "invalid_mobile", message: "bad" })),
  notes: Array.from({ length: notes }, () => ({ row: n, column: "部门", code: "trimmed", message: "note" })),
});

describe("import wizard helpers", () => {
  it("label fields, department levels included", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(fieldLabel(i18n.t, "mobile")).toBe("手机");
    expect(fieldLabel(i18n.t, "department_level_2")).toBe("部门层级 2");
  });

  it("find a row's issues by column", () => {
    const rows = [row(2, "create"), row(3, "invalid", 1), row(4, "update", 0, 2)];
    expect(cellIssues(rows[1].problems, "手机")).toHaveLength(1);
    expect(cellIssues(rows[1].problems, "部门")).toHaveLength(0);
  });

  it("send only the columns the user changed and require a name column", () => {
    const columns: ImportColumn[] = [
      { index: 0, header: "员工", field: null },
      { index: 1, header: "手机", field: "mobile" },
      { index: 2, header: "", field: null },
    ];
    expect(mappingOf(columns, {})).toEqual({});
    expect(hasNameColumn(columns, {})).toBe(false);
    const chosen = { 员工: "name", 手机: "ignore" };
    expect(mappingOf(columns, chosen)).toEqual({ 员工: "name", 手机: "ignore" });
    expect(hasNameColumn(columns, chosen)).toBe(true);
  });

  it("turn a file into the bytes the core reads", async () => {
    const bytes = await fileBytes(new Blob([new Uint8Array([80, 75, 3, 4])]));
    expect(bytes).toEqual([80, 75, 3, 4]);
  });
});
