import { describe, expect, it } from "vitest";
import i18n from "./i18n";
import { ApiError, type ErrorDto } from "./api";
import { describe as describeError, errorField, errorMessage } from "./errors";

const dto = (code: ErrorDto["code"], key: string, params: Record<string, string> = {}): ErrorDto => ({
  code,
  key,
  message: "raw message from Rust",
  params,
});

describe("core errors in the UI", () => {
  it("are translated from their key and parameters", async () => {
    await i18n.changeLanguage("zh-CN");
    const e = dto("cyclic_move", "department_cyclic_move", { department: "公司/销售部", target: "公司/销售部/华东区" });
    expect(errorMessage(i18n.t, e)).toContain("不能把部门“公司/销售部”移到“公司/销售部/华东区”下面");
    await i18n.changeLanguage("en-US");
    expect(errorMessage(i18n.t, e)).toContain("cannot be moved under “公司/销售部/华东区”");
    await i18n.changeLanguage("zh-CN");
  });

  it("show a field parameter by its name", () => {
    const e = dto("too_long", "field_too_long", { field: "address", max: "256" });
    expect(errorMessage(i18n.t, e)).toContain("“地址”");
  });

  it("fall back to the core's message for an unknown key", () => {
    expect(errorMessage(i18n.t, dto("internal", "no_such_key"))).toBe("raw message from Rust");
    expect(describeError(i18n.t, new ApiError(dto("internal", "no_such_key")))).toBe("raw message from Rust");
    expect(describeError(i18n.t, "plain")).toBe("plain");
  });

  it("point at the form field they concern", () => {
    expect(errorField(dto("duplicate_mobile", "mobile_duplicate", { field: "mobile" }))).toBe("mobile");
    expect(errorField(dto("invalid_email", "email_invalid", { field: "biz_email" }))).toBe("biz_email");
    expect(errorField(dto("missing_required", "member_department_required", { field: "departments" }))).toBe("departments");
    expect(errorField(dto("duplicate_userid", "userid_duplicate"))).toBe("userid");
    expect(errorField(dto("cyclic_move", "department_cyclic_move"))).toBeUndefined();
  });
});
