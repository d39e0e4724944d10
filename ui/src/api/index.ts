// The one way the UI talks to Rust: the generated `commands`, unwrapped into plain promises.
import { commands, type ErrorDto } from "./bindings";

export * from "./bindings";

/** A core error that reached the UI: `{code, key, message, params}`. */
export class ApiError extends Error {
  readonly dto: ErrorDto;
  constructor(dto: ErrorDto) {
    super(dto.message);
    this.dto = dto;
  }
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: ErrorDto };

/** Awaits a command and returns its data, throwing an ApiError for a core error. */
export async function call<T>(result: Promise<Result<T>>): Promise<T> {
  const r = await result;
  if (r.status === "error") throw new ApiError(r.error);
  return r.data;
}

export const api = commands;
