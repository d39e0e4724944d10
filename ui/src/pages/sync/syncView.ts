import type { FieldChange, JournalEntry } from "../../api";

/** The operations in the order a plan runs them. */
export const OPS = ["create_department", "update_department", "create_member", "update_member", "delete_member", "delete_department"] as const;

/** The colour of an operation: creates green, updates blue, deletes red. */
export function opColor(op: string): string {
  if (op.startsWith("create")) return "green";
  if (op.startsWith("delete")) return "red";
  return "blue";
}

/** A value as text: lists joined, nothing as a dash; `show` masks personal data. */
function valueText(v: unknown, show: (s: string | null) => string): string {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return v.length ? v.map((x) => show(String(x))).join("、") : "—";
  return show(String(v)) || "—";
}

/** `from → to`, or just the new value when there was none. */
export function changeText(c: FieldChange, show: (s: string | null) => string): string {
  const to = valueText(c.to, show);
  return c.from === null || c.from === undefined ? to : `${valueText(c.from, show)} → ${to}`;
}

/** The colour of a journal entry's status. */
export function statusColor(status: string): string {
  return { done: "green", failed: "red", pending: "orange" }[status] ?? "default";
}

/** Whether a run stopped before its end (failed, cancelled or killed): it can be resumed. */
export function unfinished(journal: JournalEntry[]): boolean {
  return journal.length > 0 && journal.some((e) => e.status !== "done") && journal.some((e) => e.status !== "queued");
}
