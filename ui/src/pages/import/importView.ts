// Pure helpers of the import wizard (tested in importView.test.ts).
import type { TFunction } from "i18next";
import type { ImportColumn, RowIssue } from "../../api";

/** The label of a field code: `mobile` → 手机, `department_level_2` → 部门层级 2. */
export function fieldLabel(t: TFunction, code: string): string {
  const level = /^department_level_(\d+)$/.exec(code);
  if (level) return `${t("fields.department_level")} ${level[1]}`;
  return t(`fields.${code}`);
}

/** The issues of a row that concern the column with this header. */
export function cellIssues(issues: RowIssue[], header: string): RowIssue[] {
  return issues.filter((i) => i.column === header);
}

/** The mapping to send to the core: every column's header → field code or `ignore`. */
export function mappingOf(columns: ImportColumn[], overrides: Record<string, string>): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const c of columns) {
    if (!c.header) continue;
    const chosen = overrides[c.header];
    if (chosen !== undefined) mapping[c.header] = chosen;
  }
  return mapping;
}

/** Whether the chosen mapping names a column for `name` (the only field the core cannot do without). */
export function hasNameColumn(columns: ImportColumn[], overrides: Record<string, string>): boolean {
  return columns.some((c) => (overrides[c.header] ?? c.field) === "name");
}

/** The file's bytes as the array the generated binding takes. */
export function fileBytes(file: Blob): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(Array.from(new Uint8Array(reader.result as ArrayBuffer)));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(file);
  });
}
