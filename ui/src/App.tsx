import {
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  DashboardOutlined,
  FormOutlined,
  SettingOutlined,
  TableOutlined,
} from "@ant-design/icons";
import { App as AntApp, ConfigProvider, Layout, Menu, Result, Select, Spin, theme } from "antd";
import enUS from "antd/locale/en_US";
import zhCNLocale from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { useCallback, useEffect, useState } from "react";

import { call, OperationError, type Lang, type SystemInfo } from "./api";
import { useI18n } from "./i18n";
import { Ledger } from "./pages/Ledger";
import { Settings } from "./pages/Settings";
import { Workbench } from "./pages/Workbench";

export type Section = "workbench" | "intake" | "ledger" | "stats" | "emergency" | "supervision" | "settings";

/** Sections whose screens exist; the others are listed but not yet open. */
const READY: ReadonlySet<Section> = new Set(["workbench", "ledger", "settings"]);

export function App() {
  const { lang, m, setLang } = useI18n();
  const [section, setSection] = useState<Section>("ledger");
  const [info, setInfo] = useState<SystemInfo | null>(null);
  const [fatal, setFatal] = useState<OperationError | null>(null);

  useEffect(() => {
    dayjs.locale(lang === "zh-CN" ? "zh-cn" : "en");
  }, [lang]);

  const refreshInfo = useCallback(() => {
    call("system.info", {})
      .then((i) => {
        setInfo(i);
        setFatal(null);
      })
      .catch((e: OperationError) => setFatal(e));
  }, []);

  useEffect(refreshInfo, [refreshInfo]);

  const icons: Record<Section, React.ReactNode> = {
    workbench: <DashboardOutlined />,
    intake: <FormOutlined />,
    ledger: <TableOutlined />,
    stats: <BarChartOutlined />,
    emergency: <AlertOutlined />,
    supervision: <AuditOutlined />,
    settings: <SettingOutlined />,
  };
  const order: Section[] = ["workbench", "intake", "ledger", "stats", "emergency", "supervision", "settings"];

  let body: React.ReactNode;
  if (fatal) {
    body = <Result status="error" title={m.errors.dbUnavailable} subTitle={fatal.message} data-testid="fatal" />;
  } else if (!info) {
    body = <Spin style={{ marginTop: 120, width: "100%" }} />;
  } else if (section === "workbench") {
    body = <Workbench onOpenLedger={() => setSection("ledger")} />;
  } else if (section === "settings") {
    body = <Settings info={info} onChanged={refreshInfo} />;
  } else {
    body = <Ledger onDataChanged={refreshInfo} />;
  }

  return (
    <ConfigProvider
      locale={lang === "zh-CN" ? zhCNLocale : enUS}
      theme={{ algorithm: theme.defaultAlgorithm, token: { fontFamily: "var(--font-zh)", colorPrimary: "#1677ff" } }}
    >
      <AntApp>
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
              onClick={({ key }) => setSection(key as Section)}
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
            <Layout.Header
              style={{ background: "#fff", padding: "0 20px", display: "flex", alignItems: "center", gap: 16 }}
            >
              <div style={{ flex: 1, fontSize: 16, fontWeight: 500 }} data-testid="section-title">
                {m.nav[section]}
                {info && (
                  <span style={{ marginLeft: 12, color: "#8c8c8c", fontSize: 13, fontWeight: 400 }}>
                    {info.site_name} · {info.site_code}
                  </span>
                )}
              </div>
              <Select<Lang>
                aria-label={m.app.language}
                data-testid="language"
                value={lang}
                onChange={setLang}
                style={{ width: 120 }}
                options={(["zh-CN", "en"] as const).map((l) => ({ value: l, label: m.labels.lang[l] }))}
              />
            </Layout.Header>
            <Layout.Content>{body}</Layout.Content>
          </Layout>
        </Layout>
      </AntApp>
    </ConfigProvider>
  );
}
