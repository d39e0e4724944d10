import { describe, expect, it } from "vitest";
import cases from "../../../assets/masking/cases.json";
import { maskEmail, maskMobile, maskName, maskText } from "./presentation";

// The same examples the core's export masking is tested against.
describe("presentation masking", () => {
  const rules: [keyof typeof cases, (s: string) => string][] = [
    ["mobile", maskMobile],
    ["email", maskEmail],
    ["name", maskName],
    ["text", maskText],
  ];
  for (const [kind, f] of rules) {
    it(`masks ${kind} like the core`, () => {
      for (const [given, expected] of cases[kind] as string[][]) expect(f(given)).toBe(expected);
    });
  }
});
