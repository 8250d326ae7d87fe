import {
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  DashboardOutlined,
  FormOutlined,
  FundOutlined,
  ProfileOutlined,
  SettingOutlined,
  FileTextOutlined,
  ImportOutlined,
  TableOutlined,
} from "@ant-design/icons";
import { LogoutOutlined, UserOutlined } from "@ant-design/icons";
import { App as AntApp, Button, ConfigProvider, Dropdown, Layout, Menu, Modal, Result, Select, Spin, theme } from "antd";
import enUS from "antd/locale/en_US";
import zhCNLocale from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";

import { call, OperationError, type Lang, type SystemInfo } from "./api";
import { CodesProvider } from "./codes";
import { ChangePasswordForm } from "./components/ChangePassword";
import { SyncIndicator, SyncProvider, useSync } from "./components/Sync";
import { useI18n } from "./i18n";
import { Lock } from "./pages/auth/Lock";
import { AuthCard } from "./pages/auth/AuthCard";
import { SignIn } from "./pages/auth/SignIn";
import { Setup } from "./pages/auth/Setup";
import { useSession } from "./session";
import { Intake } from "./pages/Intake";
import { Imports } from "./pages/Imports";
import { Ledger } from "./pages/Ledger";
import type { LedgerFilter } from "./components/ledger/filter";
import { Settings } from "./pages/Settings";
import { Bulletins } from "./pages/Bulletins";
import { Workbench } from "./pages/Workbench";

// Statistics bring the charting library: loaded when first opened, in a chunk of their own.
const Statistics = lazy(() => import("./pages/Statistics").then((module) => ({ default: module.Statistics })));
// KPIs, their targets and the business volume: loaded when first opened, like statistics.
const Kpi = lazy(() => import("./pages/Kpi").then((module) => ({ default: module.Kpi })));
// Analysis reports and their PDF preview: loaded when first opened as well.
const Reports = lazy(() => import("./pages/Reports").then((module) => ({ default: module.Reports })));
// Emergency management (alerts, incidents, plans, drills): loaded when first opened as well.
const Emergency = lazy(() => import("./pages/Emergency").then((module) => ({ default: module.Emergency })));
// Supervision (compliance, scorecards, inspections, rewards and penalties): loaded when first opened.
const Supervision = lazy(() => import("./pages/Supervision").then((module) => ({ default: module.Supervision })));

export type Section =
  | "workbench"
  | "intake"
  | "ledger"
  | "imports"
  | "bulletins"
  | "stats"
  | "kpi"
  | "reports"
  | "emergency"
  | "supervision"
  | "settings";

/** Sections whose screens exist; the others are listed but not yet open. */
const READY: ReadonlySet<Section> = new Set([
  "workbench",
  "intake",
  "ledger",
  "stats",
  "kpi",
  "reports",
  "imports",
  "bulletins",
  "emergency",
  "supervision",
  "settings",
]);

/** The locale providers around whatever the session calls for. */
export function App() {
  const { lang } = useI18n();
  useEffect(() => {
    dayjs.locale(lang === "zh-CN" ? "zh-cn" : "en");
  }, [lang]);
  return (
    <ConfigProvider
      locale={lang === "zh-CN" ? zhCNLocale : enUS}
      theme={{ algorithm: theme.defaultAlgorithm, token: { fontFamily: "var(--font-zh)", colorPrimary: "#1677ff" } }}
    >
      <AntApp>
        <Gate />
      </AntApp>
    </ConfigProvider>
  );
}

/** First start, sign-in, idle lock, a forced password change — or the workspace. */
function Gate() {
  const { m } = useI18n();
  const { phase, refresh } = useSession();
  switch (phase.kind) {
    case "loading":
      return <Spin style={{ marginTop: 160, width: "100%" }} />;
    case "fatal":
      return <Result status="error" title={m.errors.dbUnavailable} subTitle={phase.error.message} data-testid="fatal" />;
    case "setup":
      return <Setup />;
    case "sign-in":
      return <SignIn />;
    case "locked":
      return <Lock current={phase.session} />;
    case "ready":
      if (phase.session.must_change_password) {
        return (
          <AuthCard title={m.auth.changePassword} hint={m.auth.mustChange}>
            <ChangePasswordForm onDone={refresh} />
          </AuthCard>
        );
      }
      return (
        <CodesProvider>
          <SyncProvider>
            <Workspace />
          </SyncProvider>
        </CodesProvider>
      );
  }
}

function Workspace() {
  const { m, lang, setLang } = useI18n();
  const { phase, signOut, can } = useSession();
  const [section, setSection] = useState<Section>("ledger");
  const [info, setInfo] = useState<SystemInfo | null>(null);
  const [fatal, setFatal] = useState<OperationError | null>(null);
  const [changingPassword, setChangingPassword] = useState(false);
  // The filter the ledger opens with next (the cases of an import batch, of a statistic) and
  // what it lists in words; none from the menu. `opened` counts: each opening starts afresh.
  const [ledgerOpening, setLedgerOpening] = useState<{ filter: LedgerFilter; origin?: string; opened: number } | null>(
    null,
  );
  const openLedger = useCallback((filter: LedgerFilter, origin?: string) => {
    setLedgerOpening((o) => ({ filter, origin, opened: (o?.opened ?? 0) + 1 }));
    setSection("ledger");
  }, []);
  // The alert the emergency page shows first (`dimension:value`, from the workbench); none from
  // the menu. `opened` counts: each opening from the workbench starts afresh.
  const [emergencyOpening, setEmergencyOpening] = useState<{ alert: string | null; opened: number }>({
    alert: null,
    opened: 0,
  });
  const openEmergency = useCallback((alert?: string) => {
    setEmergencyOpening((o) => ({ alert: alert ?? null, opened: o.opened + 1 }));
    setSection("emergency");
  }, []);

  const refreshInfo = useCallback(() => {
    call("system.info", {})
      .then((i) => {
        setInfo(i);
        setFatal(null);
      })
      .catch((e: OperationError) => setFatal(e));
  }, []);

  useEffect(refreshInfo, [refreshInfo]);
  // A branch's first sync may give this site the code and name headquarters registered it
  // under: the header follows.
  const { view: syncView } = useSync();
  const siteNow = syncView ? `${syncView.site_code} ${syncView.site_name}` : null;
  const siteShown = info ? `${info.site_code} ${info.site_name}` : null;
  useEffect(() => {
    if (siteNow && siteShown && siteNow !== siteShown) refreshInfo();
  }, [siteNow, siteShown, refreshInfo]);

  // Ctrl+N (⌘N on macOS) opens a new intake from anywhere: the hotline does not wait.
  const mayIntake = can("case.intake");
  useEffect(() => {
    if (!mayIntake) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "n") {
        e.preventDefault();
        setSection("intake");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [mayIntake]);

  const icons: Record<Section, React.ReactNode> = {
    workbench: <DashboardOutlined />,
    intake: <FormOutlined />,
    ledger: <TableOutlined />,
    imports: <ImportOutlined />,
    bulletins: <FileTextOutlined />,
    stats: <BarChartOutlined />,
    kpi: <FundOutlined />,
    reports: <ProfileOutlined />,
    emergency: <AlertOutlined />,
    supervision: <AuditOutlined />,
    settings: <SettingOutlined />,
  };
  const mayImport = can("data.import");
  const mayView = can("case.view");
  // Those who keep or approve the operating standards reach them there too.
  const maySupervise =
    can("supervision.manage") || can("kpi.manage") || can("sanction.approve") || can("standard.manage") || can("standard.approve");
  // Sections a permission opens are listed only to those who have it.
  const order: Section[] = (
    ["workbench", "intake", "ledger", "stats", "kpi", "reports", "imports", "bulletins", "emergency", "supervision", "settings"] as const
  ).filter(
    (key) =>
      (key !== "imports" || mayImport) &&
      ((key !== "stats" && key !== "kpi" && key !== "reports" && key !== "emergency") || mayView) &&
      (key !== "supervision" || maySupervise),
  );
  const account = phase.kind === "ready" ? phase.session.account : null;

  let body: React.ReactNode;
  if (fatal) {
    body = <Result status="error" title={m.errors.title} subTitle={fatal.message} data-testid="fatal" />;
  } else if (!info) {
    body = <Spin style={{ marginTop: 120, width: "100%" }} />;
  } else if (section === "workbench") {
    body = <Workbench onOpenLedger={() => setSection("ledger")} onOpenCases={openLedger} onOpenEmergency={openEmergency} />;
  } else if (section === "intake") {
    body = <Intake onOpenLedger={() => setSection("ledger")} />;
  } else if (section === "imports" && mayImport) {
    body = (
      <Imports
        onDataChanged={refreshInfo}
        onOpenBatch={(batchId) => openLedger({ import_batch: batchId })}
      />
    );
  } else if (section === "stats" && mayView) {
    body = (
      <Suspense fallback={<Spin style={{ marginTop: 120, width: "100%" }} />}>
        <Statistics onOpenLedger={openLedger} />
      </Suspense>
    );
  } else if (section === "kpi" && mayView) {
    body = (
      <Suspense fallback={<Spin style={{ marginTop: 120, width: "100%" }} />}>
        <Kpi onOpenLedger={openLedger} />
      </Suspense>
    );
  } else if (section === "reports" && mayView) {
    body = (
      <Suspense fallback={<Spin style={{ marginTop: 120, width: "100%" }} />}>
        <Reports />
      </Suspense>
    );
  } else if (section === "emergency" && mayView) {
    body = (
      <Suspense fallback={<Spin style={{ marginTop: 120, width: "100%" }} />}>
        <Emergency key={emergencyOpening.opened} focusAlert={emergencyOpening.alert} />
      </Suspense>
    );
  } else if (section === "supervision" && maySupervise) {
    body = (
      <Suspense fallback={<Spin style={{ marginTop: 120, width: "100%" }} />}>
        <Supervision onOpenLedger={openLedger} />
      </Suspense>
    );
  } else if (section === "bulletins") {
    body = <Bulletins />;
  } else if (section === "settings") {
    body = <Settings info={info} onChanged={refreshInfo} />;
  } else {
    body = (
      <Ledger
        key={ledgerOpening?.opened ?? 0}
        initialFilter={ledgerOpening?.filter}
        origin={ledgerOpening?.origin}
        onDataChanged={refreshInfo}
        canLoadDemo={can("demo.generate")}
        canHandle={can("case.handle")}
        canWork={can("case.intake") || can("case.handle")}
        canApprove={can("compensation.approve")}
      />
    );
  }

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider width={200} breakpoint="lg" collapsedWidth={64}>
        <div className="brand">
          <span>{m.app.name}</span>
          <small>{m.app.title}</small>
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[section]}
          data-testid="nav"
          onClick={({ key }) => {
            setLedgerOpening(null);
            setEmergencyOpening((o) => ({ ...o, alert: null }));
            setSection(key as Section);
          }}
          items={order.map((key) => ({
            key,
            icon: icons[key],
            label: <span data-testid={`nav-${key}`}>{m.nav[key]}</span>,
            disabled: !READY.has(key),
            title: READY.has(key) ? m.nav[key] : m.app.notYetAvailable,
          }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: "#fff", padding: "0 20px", display: "flex", alignItems: "center", gap: 16 }}>
          <div style={{ flex: 1, fontSize: 16, fontWeight: 500 }} data-testid="section-title">
            {m.nav[section]}
            {info && (
              <span style={{ marginLeft: 12, color: "#8c8c8c", fontSize: 13, fontWeight: 400 }} data-testid="site-label">
                {info.site_name} · {info.site_code}
              </span>
            )}
          </div>
          <SyncIndicator />
          <Select<Lang>
            aria-label={m.app.language}
            data-testid="language"
            value={lang}
            onChange={setLang}
            style={{ width: 120 }}
            options={(["zh-CN", "en"] as const).map((l) => ({ value: l, label: m.labels.lang[l] }))}
          />
          {account && (
            <Dropdown
              trigger={["click"]}
              menu={{
                items: [
                  { key: "password", label: m.auth.changePassword, onClick: () => setChangingPassword(true) },
                  {
                    key: "sign-out",
                    icon: <LogoutOutlined />,
                    label: <span data-testid="sign-out">{m.auth.signOut}</span>,
                    onClick: signOut,
                  },
                ],
              }}
            >
              <Button icon={<UserOutlined />} data-testid="user-menu">
                {account.display_name} · {account.roles.map((r) => m.labels.role[r]).join("、")}
              </Button>
            </Dropdown>
          )}
        </Layout.Header>
        <Layout.Content>{body}</Layout.Content>
      </Layout>
      <Modal
        open={changingPassword}
        title={m.auth.changePassword}
        footer={null}
        destroyOnHidden
        onCancel={() => setChangingPassword(false)}
      >
        <ChangePasswordForm onDone={() => setChangingPassword(false)} />
      </Modal>
    </Layout>
  );
}
