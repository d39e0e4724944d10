// UI strings: the same catalogue files the Rust core renders its messages from.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import zhCN from "../../../assets/i18n/zh-CN.json";
import enUS from "../../../assets/i18n/en-US.json";
import type { Lang } from "../api/bindings";

export const catalogues = { "zh-CN": zhCN, "en-US": enUS } as const;

export const LANGS: Lang[] = ["zh-CN", "en-US"];

/** The language to start in before the user chose one: the system's, Chinese first. */
export function systemLang(navigatorLanguage: string | undefined): Lang {
  return navigatorLanguage?.toLowerCase().startsWith("en") ? "en-US" : "zh-CN";
}

i18n.use(initReactI18next).init({
  resources: { "zh-CN": { translation: zhCN }, "en-US": { translation: enUS } },
  lng: "zh-CN",
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
