import { useCallback, useEffect, useRef, useState } from "react";
import { App as AntApp, ConfigProvider, Modal, Result, Spin } from "antd";
import zhCN from "antd/locale/zh_CN";
import enUS from "antd/locale/en_US";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { useTranslation } from "react-i18next";
import { api, call, events, type AppInfo, type Lang, type WorkspaceInfo } from "./api";
import i18n, { systemLang } from "./i18n";
import { describe, errorMessage } from "./errors";
import StartPage from "./pages/start/StartPage";
import WorkspaceShell from "./shell/WorkspaceShell";

export default function App() {
  const { t } = useTranslation();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [lang, setLangState] = useState<Lang>("zh-CN");
  const [workspace, setWorkspace] = useState<WorkspaceInfo | null>(null);
  const [dropped, setDropped] = useState<string | null>(null);

  const applyLang = useCallback((l: Lang) => {
    setLangState(l);
    void i18n.changeLanguage(l);
    dayjs.locale(l === "zh-CN" ? "zh-cn" : "en");
    document.documentElement.lang = l;
  }, []);

  const refreshInfo = useCallback(async () => {
    const next = await call(api.appInfo());
    setInfo(next);
    return next;
  }, []);

  // Once, at start: the core speaks the interface's language, so it is told before anything is
  // shown (the user's choice, or the system's language until they choose).
  useEffect(() => {
    refreshInfo()
      .then(async (next) => {
        const l = next.language_chosen ? next.language : systemLang(navigator.language);
        await call(api.setLanguage(l, false));
        applyLang(l);
        setWorkspace(next.workspace);
      })
      .catch((e) => setFailure(describe(i18n.t, e)));
  }, [refreshInfo, applyLang]);

  const changeLang = useCallback(
    async (l: Lang) => {
      await call(api.setLanguage(l, true));
      applyLang(l);
    },
    [applyLang],
  );

  // Files dropped onto the window: a workspace opens, a staff list goes to the import wizard.
  const hasWorkspace = useRef(false);
  hasWorkspace.current = workspace !== null;
  useEffect(() => {
    const listening = events.filesDropped.listen(({ payload }) => {
      const workspaceFile = payload.paths.find((p) => p.toLowerCase().endsWith(".orgdesk"));
      if (workspaceFile) {
        call(api.openWorkspace(workspaceFile))
          .then(setWorkspace)
          .catch((e) => Modal.error({ title: t("app.open_failed"), content: describe(t, e) }));
      } else if (payload.paths.length > 0) {
        if (hasWorkspace.current) setDropped(payload.paths[0]);
        else Modal.info({ title: t("app.drop_needs_workspace") });
      }
    });
    // A workspace double-clicked while the app runs: the app opened it already.
    const handedOver = events.workspaceHandedOver.listen(({ payload }) => {
      if (payload.workspace) setWorkspace(payload.workspace);
      else if (payload.error) Modal.error({ title: t("app.open_failed"), content: errorMessage(t, payload.error) });
    });
    return () => {
      void listening.then((unlisten) => unlisten());
      void handedOver.then((unlisten) => unlisten());
    };
  }, [t]);

  // The first screen is up: the app notes in its log how long the start took.
  const ready = info !== null || failure !== null;
  useEffect(() => {
    if (ready) void api.uiReady(failure ? "error" : info?.workspace ? "workspace" : "start");
  }, [ready]); // eslint-disable-line react-hooks/exhaustive-deps

  const closeWorkspace = useCallback(async () => {
    await call(api.closeWorkspace());
    setWorkspace(null);
    await refreshInfo();
  }, [refreshInfo]);

  let body;
  if (failure) body = <Result status="error" title={t("app.error_title")} subTitle={failure} />;
  else if (!info) body = <Spin fullscreen tip={t("app.loading")} />;
  else if (!workspace)
    body = <StartPage info={info} lang={lang} onLang={changeLang} onOpened={setWorkspace} onInfoChanged={refreshInfo} />;
  else
    body = (
      <WorkspaceShell
        key={workspace.path ?? workspace.profile.name}
        workspace={workspace}
        lang={lang}
        onLang={changeLang}
        onClose={closeWorkspace}
        dropped={dropped}
        onDroppedTaken={() => setDropped(null)}
      />
    );

  return (
    <ConfigProvider locale={lang === "zh-CN" ? zhCN : enUS} theme={{ token: { colorPrimary: "#1677ff", borderRadius: 6 } }}>
      <AntApp style={{ height: "100%" }}>{body}</AntApp>
    </ConfigProvider>
  );
}
