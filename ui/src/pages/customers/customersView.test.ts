import { describe, expect, it } from "vitest";
import type { Campaign, CampaignCheck, Violation } from "../../api";
import { calendarDays, important, segmentChart, utf8Bytes } from "./customersView";

const campaign = (id: number, date: string): Campaign => ({ id, date, senders: ["s1"], tags: [], segments: [], owners: [], text: "上新" });
const violation = (code: string, period: string, campaigns: number[]): Violation => ({
  code,
  message: "",
  period,
  campaigns,
  customers: [],
  members: [],
  affected: 1,
  limit: 1,
  source: "",
});

describe("calendarDays", () => {
  it("puts each campaign on its day and marks only the days a rule is broken on", () => {
    const campaigns = [campaign(1, "2026-02-03"), campaign(2, "2026-02-03"), campaign(3, "2026-02-10"), campaign(4, "2026-02-20")];
    const check: CampaignCheck = {
      month: "2026-02",
      campaigns: [],
      violations: [violation("member_day", "2026-02-03", [1, 2]), violation("customer_month", "2026-02", [3])],
      old_rule: "",
    };
    const days = calendarDays(campaigns, check);
    expect(days.get("2026-02-03")?.campaigns.map((c) => c.id)).toEqual([1, 2]);
    expect([...(days.get("2026-02-03")?.broken ?? [])]).toEqual(["member_day"]);
    // A monthly violation marks the days of the campaigns it names, not the whole month.
    expect([...(days.get("2026-02-10")?.broken ?? [])]).toEqual(["customer_month"]);
    expect(days.get("2026-02-20")?.broken.size).toBe(0);
  });

  it("shows the campaigns without a check", () => {
    expect(calendarDays([campaign(1, "2026-03-01")], null).get("2026-03-01")?.broken.size).toBe(0);
  });
});

describe("segments", () => {
  it("tells the important segments apart and charts counts with revenue", () => {
    expect(important("important_winback")).toBe(true);
    expect(important("general_value")).toBe(false);
    const option = segmentChart(
      [
        { key: "important_value", name: "重要价值客户", count: 2, revenue: 2000 },
        { key: "general_winback", name: "一般挽留客户", count: 1, revenue: 100 },
      ],
      { customers: "客户数", revenue: "消费金额" },
    );
    expect(option.xAxis.data).toEqual(["重要价值客户", "一般挽留客户"]);
    expect((option.series[0].data as { value: number }[]).map((d) => d.value)).toEqual([2, 1]);
    expect(option.series[1].data).toEqual([2000, 100]);
  });
});

describe("utf8Bytes", () => {
  it("counts a Chinese character as three bytes, as WeCom's limit does", () => {
    expect(utf8Bytes("您好")).toBe(6);
    expect(utf8Bytes("hi")).toBe(2);
  });
});
