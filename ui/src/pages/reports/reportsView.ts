import type { Problem } from "../../api";

/** What the page exports: the report workbook or one platform file format. */
export type Choice = { kind: "report" } | { kind: "members"; format: string; extension: string; platform: string };

export interface Tally {
  errors: number;
  warnings: number;
}

export function tally(problems: Problem[]): Tally {
  const errors = problems.filter((p) => p.severity === "error").length;
  return { errors, warnings: problems.length - errors };
}

/** Errors first, then by row (department problems, without a row, before member rows). */
export function ordered(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => Number(b.severity === "error") - Number(a.severity === "error") || (a.row ?? 0) - (b.row ?? 0),
  );
}

/** Whether the export button may run: a report always; a platform file when clean or forced. */
export function canExport(choice: Choice, problems: Problem[] | null, force: boolean): boolean {
  if (choice.kind === "report") return true;
  if (problems === null) return false;
  return tally(problems).errors === 0 || force;
}

/** A file name that says what the file is: `示例科技-企业微信-成员导入-2026-11-25.xlsx`. */
export function defaultFileName(company: string, what: string, today: Date, extension = "xlsx"): string {
  const date = today.toISOString().slice(0, 10);
  const safe = (s: string) => s.replace(/[\\/:*?"<>|]+/g, "-").trim();
  return `${[company, what].map(safe).filter(Boolean).join("-")}-${date}.${extension}`;
}

/** Percent of a running export, for the progress bar. */
export function percent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.round((done / total) * 100));
}

/** `name` in the workspace file's folder (where admins look for their exports), or just `name`. */
export function besideWorkspace(workspacePath: string | null, name: string): string {
  if (!workspacePath) return name;
  const cut = Math.max(workspacePath.lastIndexOf("/"), workspacePath.lastIndexOf("\\"));
  if (cut < 0) return name;
  return `${workspacePath.slice(0, cut + 1)}${name}`;
}
