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

/** The form field a core error is about, so the form can highlight it: the core names it. */
export function errorField(dto: ErrorDto): string | undefined {
  if (dto.params.field) return dto.params.field;
  return dto.code === "invalid_userid" || dto.code === "duplicate_userid" ? "userid" : undefined;
}
