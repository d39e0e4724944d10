import type { Campaign, CampaignCheck, Layer, Segment } from "../../api";

/** The colour of a tag's layer (basic, behaviour, value). */
export function layerColor(layer: Layer): string {
  switch (layer) {
    case "basic":
      return "blue";
    case "behaviour":
      return "purple";
    default:
      return "gold";
  }
}

/** Whether a segment is one of the four "important" ones (M high). */
export const important = (key: string) => key.startsWith("important_");

/** The segments as bars: customers per segment, revenue on a second axis. */
export function segmentChart(segments: Segment[], names: { customers: string; revenue: string }) {
  return {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 56, right: 72, top: 32, bottom: 72 },
    xAxis: { type: "category", data: segments.map((s) => s.name), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: [
      { type: "value", name: names.customers, minInterval: 1 },
      { type: "value", name: names.revenue, splitLine: { show: false } },
    ],
    series: [
      {
        name: names.customers,
        type: "bar",
        data: segments.map((s) => ({ value: s.count, itemStyle: { color: important(s.key) ? "#1677ff" : "#91caff" } })),
      },
      { name: names.revenue, type: "line", yAxisIndex: 1, data: segments.map((s) => s.revenue) },
    ],
  };
}

/** A day's planned campaigns and the rules they break (codes). */
export interface CalendarDay {
  campaigns: Campaign[];
  broken: Set<string>;
}

/**
 * The calendar's days (YYYY-MM-DD): the campaigns planned on each and the rules broken there.
 * A member-per-day violation marks its day; a customer-per-month one marks every day of its
 * campaigns (each of them counts towards the month); a per-send one marks its campaigns' days.
 */
export function calendarDays(campaigns: Campaign[], check: CampaignCheck | null): Map<string, CalendarDay> {
  const days = new Map<string, CalendarDay>();
  const day = (d: string) => {
    let entry = days.get(d);
    if (!entry) {
      entry = { campaigns: [], broken: new Set() };
      days.set(d, entry);
    }
    return entry;
  };
  const dateOf = new Map<number | null, string>();
  for (const c of campaigns) {
    const d = c.date ?? "";
    dateOf.set(c.id, d);
    day(d).campaigns.push(c);
  }
  for (const v of check?.violations ?? []) {
    if (v.code === "member_day") {
      day(v.period).broken.add(v.code);
      continue;
    }
    for (const id of v.campaigns) {
      const d = dateOf.get(id);
      if (d) day(d).broken.add(v.code);
    }
  }
  return days;
}

/** UTF-8 bytes of a text, as the platform counts a welcome message. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}
