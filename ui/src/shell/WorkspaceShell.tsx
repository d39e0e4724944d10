import { useCallback, useEffect, useMemo, useState } from "react";
import { App, Button, Dropdown, Layout, Menu, Space, Tooltip, Typography } from "antd";
import { ApartmentOutlined, CloseOutlined, FileExcelOutlined, ImportOutlined, RedoOutlined, SafetyOutlined, SwapOutlined, UndoOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { api, call, type AuditEntry, type HistoryStatus, type Lang, type WorkspaceInfo } from "../api";
import { describe } from "../errors";
import LanguageSwitch from "./LanguageSwitch";
import { historyShortcut } from "./shortcuts";
import { WorkspaceContext } from "./workspace";
import OrganizationPage from "../pages/organization/OrganizationPage";
import ImportPage from "../pages/import/ImportPage";
import PermissionsPage from "../pages/permissions/PermissionsPage";
import ComparePage from "../pages/compare/ComparePage";
import ReportsPage from "../pages/reports/ReportsPage";
import icon from "../../../assets/icons/128x128.png";

interface Props {
  workspace: WorkspaceInfo;
  lang: Lang;
  onLang: (l: Lang) => void;
  onClose: () => void;
}

export default function WorkspaceShell({ workspace, lang, onLang, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [revision, setRevision] = useState(0);
  const [page, setPage] = useState<"organization" | "import" | "permissions" | "compare" | "reports">("organization");
  const [history, setHistory] = useState<HistoryStatus>({ undo: null, redo: null });

  const changed = useCallback(() => setRevision((r) => r + 1), []);

  useEffect(() => {
    call(api.history())
      .then(setHistory)
      .catch(() => setHistory({ undo: null, redo: null }));
  }, [revision]);

  const label = useCallback((e: AuditEntry) => ({ action: t(`actions.${e.action}`), target: e.target }), [t]);

  const step = useCallback(
    async (which: "undo" | "redo") => {
      try {
        const entry = await call(which === "undo" ? api.undo() : api.redo());
        message.success(t(which === "undo" ? "topbar.undone" : "topbar.redone", label(entry)));
        changed();
      } catch (e) {
        message.warning(describe(t, e));
      }
    },
    [changed, label, message, t],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const which = historyShortcut(e);
      if (!which) return;
      e.preventDefault();
      void step(which);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [step]);

  const ctx = useMemo(() => ({ info: workspace, revision, changed }), [workspace, revision, changed]);

  return (
    <WorkspaceContext.Provider value={ctx}>
      <Layout style={{ height: "100%" }}>
        <Layout.Header style={{ display: "flex", alignItems: "center", gap: 16, background: "#fff", borderBottom: "1px solid #f0f0f0", paddingInline: 16 }}>
          <Space size={8}>
            <img src={icon} alt="" width={24} height={24} />
            <Typography.Text strong>OrgDesk</Typography.Text>
          </Space>
          <Dropdown
            menu={{ items: [{ key: "close", icon: <CloseOutlined />, label: t("topbar.close_workspace"), onClick: onClose }] }}
            trigger={["click"]}
          >
            <Button type="text" data-testid="workspace-menu" title={workspace.path ?? undefined}>
              {workspace.profile.name}
            </Button>
          </Dropdown>
          <Menu
            mode="horizontal"
            selectedKeys={[page]}
            onClick={({ key }) => setPage(key as typeof page)}
            style={{ flex: 1, minWidth: 0, borderBottom: "none" }}
            items={[
              { key: "organization", icon: <ApartmentOutlined />, label: <span data-testid="nav-organization">{t("nav.organization")}</span> },
              { key: "import", icon: <ImportOutlined />, label: <span data-testid="nav-import">{t("nav.import")}</span> },
              { key: "permissions", icon: <SafetyOutlined />, label: <span data-testid="nav-permissions">{t("nav.permissions")}</span> },
              { key: "compare", icon: <SwapOutlined />, label: <span data-testid="nav-compare">{t("nav.compare")}</span> },
              { key: "reports", icon: <FileExcelOutlined />, label: <span data-testid="nav-reports">{t("nav.reports")}</span> },
            ]}
          />
          <Space>
            <Tooltip title={history.undo ? t("topbar.undo_tip", label(history.undo)) : t("topbar.nothing_to_undo")}>
              <Button data-testid="undo" icon={<UndoOutlined />} disabled={!history.undo} onClick={() => step("undo")}>
                {t("topbar.undo")}
              </Button>
            </Tooltip>
            <Tooltip title={history.redo ? t("topbar.redo_tip", label(history.redo)) : t("topbar.nothing_to_redo")}>
              <Button data-testid="redo" icon={<RedoOutlined />} disabled={!history.redo} onClick={() => step("redo")}>
                {t("topbar.redo")}
              </Button>
            </Tooltip>
            <LanguageSwitch lang={lang} onChange={onLang} />
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16, minHeight: 0 }}>
          {page === "organization" && <OrganizationPage />}
          {page === "import" && <ImportPage onOpenOrganization={() => setPage("organization")} />}
          {page === "permissions" && <PermissionsPage />}
          {page === "compare" && <ComparePage />}
          {page === "reports" && <ReportsPage />}
        </Layout.Content>
      </Layout>
    </WorkspaceContext.Provider>
  );
}
