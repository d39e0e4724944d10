import { createContext, useContext, useMemo } from "react";
import type { Mask } from "../api";

// Presentation mode hides personal data on screen by the same rules the core uses for exports
// (both are tested against assets/masking/cases.json).

/** `13800138000` → `138****8000`: the first three and last four characters stay. */
export function maskMobile(s: string): string {
  const chars = [...s];
  const n = chars.length;
  if (n === 0) return "";
  if (n >= 8) return `${chars.slice(0, 3).join("")}****${chars.slice(n - 4).join("")}`;
  if (n >= 3) return `${chars[0]}${"*".repeat(n - 2)}${chars[n - 1]}`;
  return "*".repeat(n);
}

/** `zhangwei@x.example` → `z***@x.example`. */
export function maskEmail(s: string): string {
  const first = [...s][0];
  if (first === undefined) return "";
  const at = s.indexOf("@");
  return at >= 0 ? `${first}***${s.slice(at)}` : `${first}***`;
}

/** `张伟` → `张*`: the first character (the surname, usually) stays. */
export function maskName(s: string): string {
  const chars = [...s];
  if (chars.length === 0) return "";
  return chars[0] + "*".repeat(chars.length - 1);
}

const isEmailChar = (c: string) => /[A-Za-z0-9._+@-]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/** Masks the mobiles (7+ digits with `+`, spaces, dashes) and emails inside free text. */
export function maskText(s: string): string {
  const chars = [...s];
  let out = "";
  let i = 0;
  while (i < chars.length) {
    if (isEmailChar(chars[i]) && (i === 0 || !isEmailChar(chars[i - 1]))) {
      let end = i;
      while (end < chars.length && isEmailChar(chars[end])) end++;
      const word = chars.slice(i, end).join("");
      if (word.includes("@")) {
        out += maskEmail(word);
        i = end;
        continue;
      }
    }
    if (chars[i] === "+" || isDigit(chars[i])) {
      let end = i + (chars[i] === "+" ? 1 : 0);
      let digits = 0;
      let lastDigit = end;
      while (end < chars.length) {
        const c = chars[end];
        if (isDigit(c)) {
          digits++;
          lastDigit = end + 1;
        } else if (!((c === " " || c === "-") && digits > 0)) break;
        end++;
      }
      if (digits >= 7) {
        out += maskMobile(chars.slice(i, lastDigit).filter((c) => c !== " " && c !== "-").join(""));
        i = lastDigit;
        continue;
      }
    }
    out += chars[i];
    i++;
  }
  return out;
}

export interface Presentation {
  on: boolean;
  /** Hide given names too. */
  names: boolean;
}

export const PresentationContext = createContext<Presentation>({ on: false, names: false });

/** What screens call to show personal data: unchanged unless presentation mode is on. */
export function usePresentation() {
  const p = useContext(PresentationContext);
  return useMemo(
    () => ({
      on: p.on,
      /** For exports: the core masks the same way. */
      mask: (p.on ? { names: p.names } : null) as Mask | null,
      mobile: (v: string | null | undefined) => (v && p.on ? maskMobile(v) : v ?? ""),
      email: (v: string | null | undefined) => (v && p.on ? maskEmail(v) : v ?? ""),
      name: (v: string | null | undefined) => (v && p.on && p.names ? maskName(v) : v ?? ""),
      text: (v: string | null | undefined) => (v && p.on ? maskText(v) : v ?? ""),
    }),
    [p.on, p.names],
  );
}
