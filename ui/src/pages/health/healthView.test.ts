import { describe, expect, it } from "vitest";
import type { Group, Indicator } from "../../api";
import { dayLine, figure, funnelChart, groupBars, misses, weeksBack } from "./healthView";

const indicator = (over: Partial<Indicator>): Indicator => ({
  key: "login_rate",
  name: "",
  value: 80,
  unit: "%",
  threshold: 85,
  direction: "min",
  status: "warn",
  period: "week",
  trend: [],
  worst: [],
  remedy: "",
  console: "",
  guide: "",
  source: "guide",
  ...over,
});

describe("health view", () => {
  it("goes back whole weeks from a Monday", () => {
    expect(weeksBack("2026-11-29", 8)).toBe("2026-10-05"); // a Sunday: its week began on the 23rd
    expect(weeksBack("2026-11-30", 1)).toBe("2026-11-30"); // a Monday
    expect(weeksBack("2026-12-02", 2)).toBe("2026-11-23");
  });

  it("prints figures with their unit", () => {
    expect(figure(85, "%")).toBe("85.0%");
    expect(figure(1.55, "min")).toBe("1.6 min");
    expect(figure(null, "%")).toBe("—");
    expect(figure(4.5, "min", (u) => (u === "min" ? "分钟" : u))).toBe("4.5 分钟");
  });

  it("misses a threshold on the indicator's side only", () => {
    expect(misses(indicator({}), 84.99)).toBe(true);
    expect(misses(indicator({}), 85)).toBe(false);
    const reply = indicator({ unit: "min", threshold: 2, direction: "max" });
    expect(misses(reply, 2)).toBe(false);
    expect(misses(reply, 2.01)).toBe(true);
    expect(misses(indicator({ threshold: null }), 0)).toBe(false);
  });

  it("draws the target as a dashed line and the slow bars red", () => {
    const line = dayLine([{ day: "2026-11-29", value: 90, count: 10 }], 85, { series: "s", target: "85%" });
    expect(line.series[0].markLine?.data).toEqual([{ yAxis: 85 }]);
    expect(line.xAxis.data).toEqual(["11-29"]);
    expect(dayLine([], null, { series: "s", target: "t" }).series[0].markLine).toBeUndefined();
    const groups: Group[] = [
      { kind: "member", id: "a", name: "慢", value: 4.5, weight: 1 },
      { kind: "member", id: "b", name: "快", value: 1.2, weight: 1 },
      { kind: "member", id: "c", name: "不显示", value: 1, weight: 1 },
    ];
    const bars = groupBars(groups, 2, 2, { series: "s", target: "t", label: (g) => g.name });
    expect(bars.xAxis.data).toEqual(["慢", "快"]);
    expect(bars.series[0].data.map((d) => d.itemStyle.color)).toEqual(["#ff4d4f", "#1677ff"]);
  });

  it("shows the funnel's stages in order", () => {
    const chart = funnelChart({ kind: "all", id: "", name: "", added: 12, chats: 50, replied: 46, lost: 0, quick_reply_rate: null }, { added: "新增", chats: "聊天", replied: "已回复" });
    expect(chart.yAxis.data).toEqual(["新增", "聊天", "已回复"]);
    expect(chart.series[0].data).toEqual([12, 50, 46]);
  });
});
