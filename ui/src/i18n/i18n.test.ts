// The catalogues are complete: same keys in both languages, and every key the UI uses exists.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import i18n, { catalogues, systemLang } from ".";

type Tree = { [k: string]: string | Tree };

function keys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === "string" ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") && name !== "bindings.ts" ? [path] : [];
  });
}

const zh = keys(catalogues["zh-CN"] as unknown as Tree);
const en = keys(catalogues["en-US"] as unknown as Tree);

describe("locale files", () => {
  it("have the same keys in zh-CN and en-US", () => {
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
  });

  it("have no empty strings", () => {
    for (const lang of ["zh-CN", "en-US"] as const) {
      for (const k of keys(catalogues[lang] as unknown as Tree)) expect(i18n.t(k, { lng: lang }), `${lang} ${k}`).not.toBe("");
    }
  });

  it("hold every key the UI asks for", () => {
    const root = join(__dirname, "..");
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const file of sources(root)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([a-z_]+\.[a-z_.]+)"/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bt\(\s*`([a-z_]+)\.\$\{/g)) prefixes.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((k) => !zh.includes(k));
    expect(missing).toEqual([]);
    // Dynamic keys (`statuses.${s}` …) point into sections that exist.
    for (const p of prefixes) expect(zh.some((k) => k.startsWith(`${p}.`)), p).toBe(true);
  });

  it("name every status, platform and gender the core sends", () => {
    for (const s of ["invited", "unverified", "active", "frozen", "departed"]) expect(zh).toContain(`statuses.${s}`);
    for (const p of ["wecom", "dingtalk", "feishu", "undecided"]) expect(zh).toContain(`platforms.${p}`);
    for (const g of ["male", "female"]) expect(zh).toContain(`genders.${g}`);
  });

  it("render text, not raw keys, in both languages", async () => {
    for (const lang of ["zh-CN", "en-US"] as const) {
      await i18n.changeLanguage(lang);
      for (const k of zh) expect(i18n.t(k), `${lang} ${k}`).not.toBe(k);
    }
    await i18n.changeLanguage("zh-CN");
  });

  it("start in Chinese unless the system is English", () => {
    expect(systemLang("en-GB")).toBe("en-US");
    expect(systemLang("zh-TW")).toBe("zh-CN");
    expect(systemLang(undefined)).toBe("zh-CN");
  });
});
