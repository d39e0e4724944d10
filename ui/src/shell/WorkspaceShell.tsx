import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { App, Button, ConfigProvider, Dropdown, Layout, Menu, Modal, Space, Spin, Tag, Tooltip, Typography } from "antd";
import {
  ApartmentOutlined,
  AppstoreOutlined,
  BranchesOutlined,
  CloudSyncOutlined,
  ContactsOutlined,
  UserSwitchOutlined,
  AuditOutlined,
  LockOutlined,
  ToolOutlined,
  CheckSquareOutlined,
  CameraOutlined,
  CloseOutlined,
  CopyOutlined,
  DashboardOutlined,
  EyeInvisibleOutlined,
  FileExcelOutlined,
  FundProjectionScreenOutlined,
  ImportOutlined,
  RedoOutlined,
  ReloadOutlined,
  SafetyOutlined,
  SwapOutlined,
  UndoOutlined,
} from "@ant-design/icons";
import { save } from "@tauri-apps/plugin-dialog";
import { useTranslation } from "react-i18next";
import { api, call, type AuditEntry, type HistoryStatus, type Lang, type WorkspaceInfo } from "../api";
import { describe } from "../errors";
import LanguageSwitch from "./LanguageSwitch";
import DiagnosticsButton from "./DiagnosticsButton";
import { historyShortcut } from "./shortcuts";
import { WorkspaceContext } from "./workspace";
import { PresentationContext } from "./presentation";
import SnapshotsDrawer from "./SnapshotsDrawer";
import OrganizationPage from "../pages/organization/OrganizationPage";
import HomePage from "../pages/home/HomePage";
import icon from "../../../assets/icons/128x128.png";

// Home and Organization come with the app; every other page (and what only it uses, such as
// the charts) is read when first opened, so starting the app and opening a large workspace's
// members evaluate and allocate less.
const ImportPage = lazy(() => import("../pages/import/ImportPage"));
const LifecyclePage = lazy(() => import("../pages/lifecycle/LifecyclePage"));
const AppsPage = lazy(() => import("../pages/apps/AppsPage"));
const ApprovalsPage = lazy(() => import("../pages/approvals/ApprovalsPage"));
const CustomersPage = lazy(() => import("../pages/customers/CustomersPage"));
const HealthPage = lazy(() => import("../pages/health/HealthPage"));
const SyncPage = lazy(() => import("../pages/sync/SyncPage"));
const PermissionsPage = lazy(() => import("../pages/permissions/PermissionsPage"));
const ComparePage = lazy(() => import("../pages/compare/ComparePage"));
const ReportsPage = lazy(() => import("../pages/reports/ReportsPage"));
const CertificationPage = lazy(() => import("../pages/setup/CertificationPage"));
const SecurityPage = lazy(() => import("../pages/setup/SecurityPage"));
const HardwarePage = lazy(() => import("../pages/setup/HardwarePage"));

interface Props {
  workspace: WorkspaceInfo;
  lang: Lang;
  onLang: (l: Lang) => void;
  onClose: () => void;
  /** A spreadsheet dropped onto the window, to import. */
  dropped: string | null;
  onDroppedTaken: () => void;
}

type Page = "home" | "organization" | "import" | "permissions" | "lifecycle" | "apps" | "approvals" | "customers" | "health" | "sync" | "compare" | "reports" | "certification" | "security" | "hardware";
const PAGES: Page[] = ["home", "organization", "import", "permissions", "lifecycle", "apps", "approvals", "customers", "health", "sync", "compare", "reports", "certification", "security", "hardware"];

export default function WorkspaceShell({ workspace, lang, onLang, onClose, dropped, onDroppedTaken }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [revision, setRevision] = useState(0);
  const [page, setPage] = useState<Page>("home");
  const navigate = useCallback((p: string) => setPage(PAGES.includes(p as Page) ? (p as Page) : "home"), []);
  const [presenting, setPresenting] = useState(false);
  const [hideNames, setHideNames] = useState(false);
  const [snapshotsOpen, setSnapshotsOpen] = useState(false);

  // A dropped staff list opens in the import wizard.
  useEffect(() => {
    if (dropped) setPage("import");
  }, [dropped]);
  const [history, setHistory] = useState<HistoryStatus>({ undo: null, redo: null });

  const changed = useCallback(() => setRevision((r) => r + 1), []);

  // What the core wrote in the old language (checklist, findings, messages) is fetched again.
  const shownLang = useRef(lang);
  useEffect(() => {
    if (shownLang.current === lang) return;
    shownLang.current = lang;
    changed();
  }, [lang, changed]);

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
  const presentation = useMemo(() => ({ on: presenting, names: hideNames }), [presenting, hideNames]);

  const saveCopy = async () => {
    const path = await save({
      title: t("topbar.save_copy"),
      defaultPath: `${workspace.profile.name}-${t("topbar.copy_suffix")}.orgdesk`,
      filters: [{ name: t("start.file_filter"), extensions: ["orgdesk"] }],
    });
    if (!path) return;
    try {
      await call(api.saveCopy(path));
      message.success(t("topbar.copy_saved", { path }));
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  const resetDemo = () =>
    Modal.confirm({
      title: t("topbar.reset_title"),
      content: t("topbar.reset_hint"),
      okText: t("topbar.reset"),
      cancelText: t("common.cancel"),
      onOk: async () => {
        try {
          await call(api.demoReset());
          message.success(t("topbar.reset_done"));
          changed();
        } catch (e) {
          message.error(describe(t, e));
        }
      },
    });

  return (
    <WorkspaceContext.Provider value={ctx}>
      <Layout style={{ height: "100%" }}>
        <Layout.Header style={{ display: "flex", alignItems: "center", gap: 16, background: "#fff", borderBottom: "1px solid #f0f0f0", paddingInline: 16 }}>
          <Space size={8}>
            <img src={icon} alt="" width={24} height={24} />
            <Typography.Text strong>OrgDesk</Typography.Text>
          </Space>
          <Dropdown
            menu={{
              items: [
                { key: "snapshots", icon: <CameraOutlined />, label: <span data-testid="menu-snapshots">{t("snapshots.title")}</span>, onClick: () => setSnapshotsOpen(true) },
                { key: "reset", icon: <ReloadOutlined />, label: <span data-testid="menu-reset">{t("topbar.reset")}</span>, onClick: resetDemo },
                { key: "copy", icon: <CopyOutlined />, label: t("topbar.save_copy"), onClick: () => void saveCopy() },
                {
                  key: "names",
                  icon: <EyeInvisibleOutlined />,
                  label: t(hideNames ? "topbar.show_names" : "topbar.hide_names"),
                  onClick: () => setHideNames((h) => !h),
                },
                { type: "divider" },
                { key: "close", icon: <CloseOutlined />, label: t("topbar.close_workspace"), onClick: onClose },
              ],
            }}
            trigger={["click"]}
          >
            <Button type="text" data-testid="workspace-menu" title={workspace.path ?? undefined}>
              {workspace.profile.name}
            </Button>
          </Dropdown>
          <div style={{ flex: 1 }} />
          <Space>
            {presenting && (
              <Tag color="red" data-testid="presenting-badge" style={{ marginInlineEnd: 0 }}>
                {t("topbar.presenting")}
              </Tag>
            )}
            <Tooltip title={t("topbar.presentation_tip")}>
              <Button
                icon={<FundProjectionScreenOutlined />}
                type={presenting ? "primary" : "default"}
                onClick={() => setPresenting((p) => !p)}
                data-testid="presentation-toggle"
                aria-pressed={presenting}
              >
                {t("topbar.presentation")}
              </Button>
            </Tooltip>
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
            <DiagnosticsButton />
          </Space>
        </Layout.Header>
        <Layout hasSider style={{ minHeight: 0 }}>
          <Layout.Sider width={176} theme="light" style={{ borderInlineEnd: "1px solid #f0f0f0", overflow: "auto" }}>
            <Menu
              mode="inline"
              selectedKeys={[page]}
              onClick={({ key }) => setPage(key as typeof page)}
              style={{ height: "100%", borderInlineEnd: "none" }}
              items={[
                { key: "home", icon: <CheckSquareOutlined />, label: <span data-testid="nav-home">{t("nav.home")}</span> },
                { key: "organization", icon: <ApartmentOutlined />, label: <span data-testid="nav-organization">{t("nav.organization")}</span> },
                { key: "import", icon: <ImportOutlined />, label: <span data-testid="nav-import">{t("nav.import")}</span> },
                { key: "permissions", icon: <SafetyOutlined />, label: <span data-testid="nav-permissions">{t("nav.permissions")}</span> },
                { key: "lifecycle", icon: <UserSwitchOutlined />, label: <span data-testid="nav-lifecycle">{t("nav.lifecycle")}</span> },
                { key: "apps", icon: <AppstoreOutlined />, label: <span data-testid="nav-apps">{t("nav.apps")}</span> },
                { key: "approvals", icon: <BranchesOutlined />, label: <span data-testid="nav-approvals">{t("nav.approvals")}</span> },
                { key: "customers", icon: <ContactsOutlined />, label: <span data-testid="nav-customers">{t("nav.customers")}</span> },
                { key: "health", icon: <DashboardOutlined />, label: <span data-testid="nav-health">{t("nav.health")}</span> },
                { key: "sync", icon: <CloudSyncOutlined />, label: <span data-testid="nav-sync">{t("nav.sync")}</span> },
                { key: "compare", icon: <SwapOutlined />, label: <span data-testid="nav-compare">{t("nav.compare")}</span> },
                { key: "reports", icon: <FileExcelOutlined />, label: <span data-testid="nav-reports">{t("nav.reports")}</span> },
                {
                  key: "setup",
                  type: "group",
                  label: t("nav.setup"),
                  children: [
                    { key: "certification", icon: <AuditOutlined />, label: <span data-testid="nav-certification">{t("nav.certification")}</span> },
                    { key: "security", icon: <LockOutlined />, label: <span data-testid="nav-security">{t("nav.security")}</span> },
                    { key: "hardware", icon: <ToolOutlined />, label: <span data-testid="nav-hardware">{t("nav.hardware")}</span> },
                  ],
                },
              ]}
            />
          </Layout.Sider>
          <Layout.Content style={{ padding: 16, minHeight: 0 }}>
            {/* Presentation mode: larger type for the projector, personal data masked. */}
            <ConfigProvider theme={{ token: { fontSize: presenting ? 16 : 14 } }}>
              <PresentationContext.Provider value={presentation}>
                <Suspense fallback={<Spin style={{ display: "block", marginTop: 64 }} />}>
                  {page === "home" && <HomePage onNavigate={navigate} />}
                  {page === "organization" && <OrganizationPage />}
                  {page === "import" && (
                    <ImportPage onOpenOrganization={() => setPage("organization")} dropped={dropped} onDroppedTaken={onDroppedTaken} />
                  )}
                  {page === "permissions" && <PermissionsPage />}
                  {page === "lifecycle" && <LifecyclePage />}
                  {page === "apps" && <AppsPage />}
                  {page === "approvals" && <ApprovalsPage />}
                  {page === "customers" && <CustomersPage />}
                  {page === "health" && <HealthPage />}
                  {page === "sync" && <SyncPage />}
                  {page === "compare" && <ComparePage />}
                  {page === "reports" && <ReportsPage />}
                  {page === "certification" && <CertificationPage />}
                  {page === "security" && <SecurityPage />}
                  {page === "hardware" && <HardwarePage />}
                </Suspense>
              </PresentationContext.Provider>
            </ConfigProvider>
          </Layout.Content>
        </Layout>
        <SnapshotsDrawer open={snapshotsOpen} onClose={() => setSnapshotsOpen(false)} />
      </Layout>
    </WorkspaceContext.Provider>
  );
}
