import type { DayValue, Funnel, Group, Indicator, Status } from "../../api";

/** The colour of a status (antd's palette). */
export function statusColor(s: Status): string {
  switch (s) {
    case "ok":
      return "success";
    case "warn":
      return "warning";
    case "bad":
      return "error";
    default:
      return "default";
  }
}

/** `85.0%`, `1.6 min`, `2.5 h` (`unitName` gives the unit in the interface's language), or a dash. */
export function figure(v: number | null | undefined, unit: string, unitName: (u: string) => string = (u) => u): string {
  if (v === null || v === undefined) return "—";
  const text = v.toFixed(1);
  return unit === "%" ? `${text}%` : `${text} ${unitName(unit)}`;
}

/** The first day of the `weeks` weeks that end on `to` (YYYY-MM-DD), from a Monday. */
export function weeksBack(to: string, weeks: number): string {
  const d = new Date(`${to}T00:00:00Z`);
  const monday = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - monday - 7 * (weeks - 1));
  return d.toISOString().slice(0, 10);
}

/** Whether a group misses the indicator's threshold (the same rule as the core's, on its rounded values). */
export function misses(i: Indicator, value: number): boolean {
  if (i.threshold === null) return false;
  return i.direction === "min" ? value < i.threshold : value > i.threshold;
}

const target = (name: string, value: number | null) =>
  value === null
    ? undefined
    : {
        silent: true,
        symbol: "none",
        lineStyle: { color: "#cf1322", type: "dashed" },
        label: { formatter: name, position: "insideEndTop" },
        data: [{ yAxis: value }],
      };

/** A line per day (login rate, API error rate) against the target's line. */
export function dayLine(days: DayValue[], threshold: number | null, names: { series: string; target: string }) {
  return {
    tooltip: { trigger: "axis" },
    grid: { left: 48, right: 24, top: 24, bottom: 40 },
    xAxis: { type: "category", data: days.map((d) => d.day.slice(5)) },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" }, min: (v: { min: number }) => Math.max(0, Math.floor(v.min - 5)) },
    series: [{ name: names.series, type: "line", data: days.map((d) => d.value), markLine: target(names.target, threshold) }],
  };
}

/** Bars per member or department, the slowest first, against the target's line. */
export function groupBars(groups: Group[], threshold: number | null, limit: number, names: { series: string; target: string; label: (g: Group) => string }) {
  const shown = groups.slice(0, limit);
  return {
    tooltip: { trigger: "axis" },
    grid: { left: 48, right: 24, top: 24, bottom: 64 },
    xAxis: { type: "category", data: shown.map(names.label), axisLabel: { interval: 0, rotate: shown.length > 8 ? 30 : 0 } },
    yAxis: { type: "value" },
    series: [
      {
        name: names.series,
        type: "bar",
        data: shown.map((g) => ({ value: g.value, itemStyle: { color: threshold !== null && (g.value ?? 0) > threshold ? "#ff4d4f" : "#1677ff" } })),
        markLine: target(names.target, threshold),
      },
    ],
  };
}

/** The funnel as bars, top to bottom: customers added → chats → chats replied (chats are
 * counted per conversation, so a stage may be larger than the one before it). */
export function funnelChart(f: Funnel, names: { added: string; chats: string; replied: string }) {
  const stages = [
    { name: names.added, value: f.added },
    { name: names.chats, value: f.chats },
    { name: names.replied, value: f.replied },
  ];
  return {
    tooltip: { trigger: "axis" },
    grid: { left: 96, right: 48, top: 16, bottom: 24 },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: stages.map((s) => s.name) },
    series: [{ type: "bar", data: stages.map((s) => s.value), label: { show: true, position: "right" }, itemStyle: { color: "#1677ff" } }],
  };
}
