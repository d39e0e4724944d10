// Pure helpers of the permissions page (tested in matrixView.test.ts).
import type { TFunction } from "i18next";
import type { Finding, Matrix, Permission, Scope } from "../../api";

/** How a scope reads in a cell. */
export function scopeLabel(t: TFunction, scope: Scope, departments: string[]): string {
  if (scope === "departments") {
    const short = departments.map((d) => d.split("/").at(-1)).join("、");
    return t("scopes.departments", { departments: short });
  }
  return t(`scopes.${scope}`);
}


/** Permissions grouped by category, in catalogue order. */
export function groupByCategory(m: Matrix): { key: string; name: Matrix["categories"][number]["name"]; permissions: Permission[] }[] {
  return m.categories
    .map((c) => ({ key: c.key, name: c.name, permissions: m.permissions.filter((p) => p.category === c.key) }))
    .filter((g) => g.permissions.length > 0);
}

/** Errors and warnings among the findings. */
export function countFindings(findings: Finding[]): { errors: number; warnings: number } {
  return {
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
  };
}

/** The matrix cell a finding points at, if any. */
export function findingCell(f: Finding): { roleId: number; permission: string } | null {
  return f.role_id !== null && f.permission !== null ? { roleId: f.role_id, permission: f.permission } : null;
}
