// Pure helpers of the Compare page (tested in compareView.test.ts).
import type { TFunction } from "i18next";
import type { Claim, CompareRow } from "../../api";

export const PLATFORMS = ["wecom", "dingtalk", "feishu"] as const;

/** A claim's value as a cell reads. */
export function valueText(t: TFunction, lang: "zh-CN" | "en-US", claim: Claim): string {
  const v = claim.value;
  if (!v) return t("values.unknown");
  switch (v.type) {
    case "yes":
    case "no":
    case "partial":
    case "na":
      return t(`values.${v.type}`);
    case "number": {
      const key = `units.${v.unit}`;
      const unit = t(key);
      return `${v.value} ${unit === key ? v.unit : unit}`;
    }
    case "text":
      return v.text[lang];
  }
}

/** Rows for the chosen filters: category, only where platforms differ, current claims of these confidences. */
export function filterRows(rows: CompareRow[], category: string | null, onlyDiff: boolean, confidences: string[]): CompareRow[] {
  return rows.filter(
    (r) =>
      (category === null || r.category === category) &&
      (!onlyDiff || r.differs) &&
      (confidences.length === 0 || PLATFORMS.some((p) => confidences.includes(r.cells[p]?.confidence ?? ""))),
  );
}

/** A source as a link: bare "domain/path" sources become https URLs; named documents are not links. */
export function sourceUrl(source: string | null): string | null {
  if (!source) return null;
  const first = source.split(/[;\s(]/)[0];
  if (/^https?:\/\//.test(first)) return first;
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+\//i.test(first) ? `https://${first}` : null;
}
