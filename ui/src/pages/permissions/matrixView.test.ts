import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import type { Finding, Matrix } from "../../api";
import { countFindings, findingCell, groupByCategory, scopeLabel } from "./matrixView";

const finding = (severity: Finding["severity"], role_id: number | null, permission: string | null): Finding => ({
  code: "x",
  severity,
  message: "",
  fix: "",
  target: "",
  role_id,
  permission,
  userid: null,
  department: null,
});

describe("permissions page helpers", () => {
  it("label scopes, chosen departments by their last level", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(scopeLabel(i18n.t, "organization", [])).toBe("全公司");
    expect(scopeLabel(i18n.t, "departments", ["公司/销售部", "公司/销售部/华东区"])).toBe("指定部门：销售部、华东区");
  });

  it("group permissions by category and point findings at cells", () => {
    const name = { "zh-CN": "x", "en-US": "x" };
    const perm = (key: string, category: string) => ({ key, category, risk: "low" as const, name, description: name, platforms: {} });
    const m: Matrix = {
      roles: [],
      categories: [
        { key: "contacts", name },
        { key: "billing", name },
        { key: "data", name },
      ],
      permissions: [perm("contacts.view", "contacts"), perm("data.export", "data"), perm("contacts.manage", "contacts")],
    };
    const groups = groupByCategory(m);
    expect(groups.map((g) => [g.key, g.permissions.map((p) => p.key)])).toEqual([
      ["contacts", ["contacts.view", "contacts.manage"]],
      ["data", ["data.export"]],
    ]);
    expect(countFindings([finding("error", 1, "a"), finding("warning", null, null), finding("info", 2, null)])).toEqual({ errors: 1, warnings: 1 });
    expect(findingCell(finding("error", 3, "data.export"))).toEqual({ roleId: 3, permission: "data.export" });
    expect(findingCell(finding("info", 3, null))).toBeNull();
  });
});
