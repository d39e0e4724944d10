import { useCallback, useEffect, useRef } from "react";
import { App } from "antd";
import { useTranslation } from "react-i18next";
import { describe } from "../errors";

/** A stable function that shows an error message (safe to use in effect dependencies). */
export function useReport(): (e: unknown) => void {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const latest = useRef({ message, t });
  useEffect(() => {
    latest.current = { message, t };
  });
  return useCallback((e: unknown) => {
    latest.current.message.error(describe(latest.current.t, e));
  }, []);
}
