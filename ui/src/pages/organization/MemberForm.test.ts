import { describe, expect, it } from "vitest";
import dayjs from "dayjs";
import { toInput } from "./MemberForm";

describe("member form values", () => {
  it("put the main department first and keep leaders among the departments", () => {
    const input = toInput({
      name: "张伟",
      departments: [3, 5, 7],
      main_department: 5,
      leader_of: [7, 9],
      status: "active",
      mobile: " 138 0013 8000 ",
      alias: "  ",
      join_date: dayjs("2023-05-01"),
    });
    expect(input.departments).toEqual([5, 3, 7]);
    expect(input.leader_of).toEqual([7]);
    expect(input.mobile).toBe("138 0013 8000");
    expect(input.alias).toBeNull();
    expect(input.join_date).toBe("2023-05-01");
    expect(input.userid).toBeNull();
  });

  it("default the main department to the first chosen", () => {
    expect(toInput({ name: "李娜", departments: [4, 2], status: "invited" }).departments).toEqual([4, 2]);
  });
});
