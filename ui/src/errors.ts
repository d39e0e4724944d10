import type { TFunction } from "i18next";
import { ApiError, type ErrorDto } from "./api";

/** The message of a core error in the current language. A `field` parameter holds a field code. */
export function errorMessage(t: TFunction, dto: ErrorDto): string {
  const params: Record<string, string> = { ...dto.params };
  if (params.field) {
    const key = `fields.${params.field}`;
    const name = t(key);
    if (name !== key) params.field = name;
  }
  const key = `errors.${dto.key}`;
  const text = t(key, params);
  return text === key ? dto.message : text;
}

/** Any thrown value as a user-facing message. */
export function describe(t: TFunction, e: unknown): string {
  if (e instanceof ApiError) return errorMessage(t, e.dto);
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The form field a core error is about, so the form can highlight it. */
export function errorField(dto: ErrorDto): string | undefined {
  switch (dto.code) {
    case "invalid_mobile":
    case "duplicate_mobile":
      return "mobile";
    case "invalid_email":
    case "duplicate_email":
      return "email";
    case "invalid_userid":
    case "duplicate_userid":
      return "userid";
    case "invalid_date":
      return dto.params.field ?? "join_date";
    case "invalid_department":
      return dto.key === "member_leader_not_in_department" ? "leader_of" : "departments";
    case "missing_required":
      return dto.key === "member_department_required" ? "departments" : "name";
    case "too_long":
      return dto.key === "member_name_too_long" ? "name" : dto.key === "position_too_long" ? "position" : dto.params.field;
    case "member_not_found":
      return dto.key === "manager_not_found" ? "manager" : undefined;
    case "invalid_value":
      return dto.key === "manager_self" ? "manager" : dto.params.field;
    default:
      return undefined;
  }
}
