import { describe, expect, it } from "vitest";
import { settingsUsed } from "./VisibilityDialog";

const none = { hidden: false, departments: [], members: [], only_own: false };

describe("settingsUsed", () => {
  it("names nothing for the default", () => {
    expect(settingsUsed(none)).toEqual([]);
  });
  it("names each part of a setting once", () => {
    expect(settingsUsed({ ...none, hidden: true })).toEqual(["hidden"]);
    expect(settingsUsed({ ...none, hidden: true, members: ["zhangwei"] })).toEqual(["hidden", "viewers"]);
    expect(settingsUsed({ hidden: true, departments: ["公司/财务部"], members: [], only_own: true })).toEqual(["hidden", "viewers", "only_own"]);
  });
});
