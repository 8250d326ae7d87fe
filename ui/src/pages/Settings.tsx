import { Card, Descriptions, InputNumber, Radio, Space, Tabs } from "antd";
import { useState } from "react";

import type { Lang, SystemInfo } from "../api";
import { ChangePasswordForm } from "../components/ChangePassword";
import { DemoLoader } from "../components/DemoLoader";
import { useI18n } from "../i18n";
import { useSession } from "../session";
import { Accounts } from "./admin/Accounts";
import { Audit } from "./admin/Audit";
import { Backups } from "./admin/Backups";
import { DocumentSettings } from "./admin/DocumentSettings";
import { HubSync } from "./admin/HubSync";
import { IntakeSetup } from "./admin/IntakeSetup";
import { Org } from "./admin/Org";
import { Privacy } from "./admin/Privacy";
import { Roles } from "./admin/Roles";
import { Security } from "./admin/Security";

/**
 * The most demo cases one click may ask for: the call reports no progress, so it stays short
 * (a few seconds). Larger sets: `redress-cli demo --cases N`.
 */
export const MAX_UI_DEMO_CASES = 20_000;

/** 设置: one's own preferences for everyone; the administration tabs for those permitted. */
export function Settings({ info, onChanged }: { info: SystemInfo; onChanged: () => void }) {
  const { m, lang, setLang } = useI18n();
  const { can } = useSession();
  const [count, setCount] = useState(1000);
  const s = m.settings;
  const t = m.admin.tabs;

  const general = (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Card title={s.language}>
        <Radio.Group
          value={lang}
          onChange={(e) => setLang(e.target.value as Lang)}
          options={(["zh-CN", "en"] as const).map((l) => ({ value: l, label: m.labels.lang[l] }))}
        />
      </Card>
      <Card title={m.auth.changePassword} style={{ maxWidth: 480 }}>
        <ChangePasswordForm onDone={() => undefined} />
      </Card>
      <Card title={s.database}>
        <Descriptions column={1} size="small" bordered data-testid="system-info">
          <Descriptions.Item label={s.dbPath}>{info.db_path}</Descriptions.Item>
          <Descriptions.Item label={s.site}>{s.siteLabel(info.site_name, info.site_code)}</Descriptions.Item>
          <Descriptions.Item label={s.schemaVersion}>{info.schema_version}</Descriptions.Item>
          <Descriptions.Item label={s.cases}>{info.case_count.toLocaleString()}</Descriptions.Item>
          <Descriptions.Item label={s.events}>{info.event_count.toLocaleString()}</Descriptions.Item>
          <Descriptions.Item label={s.version}>{info.version}</Descriptions.Item>
        </Descriptions>
      </Card>
      {can("demo.generate") && (
        <Card title={s.demo}>
          <Space>
            <span>{s.demoCount}</span>
            <InputNumber
              min={1}
              max={MAX_UI_DEMO_CASES}
              step={1000}
              value={count}
              onChange={(v) => setCount(v ?? 1000)}
            />
            <DemoLoader cases={count} onDone={onChanged} label={s.demoGenerate} />
          </Space>
        </Card>
      )}
    </Space>
  );

  const tabs = [
    { key: "general", label: t.general, children: general, show: true },
    { key: "security", label: m.admin.security.title, children: <Security />, show: can("account.manage") },
    { key: "sync", label: m.sync.tab.title, children: <HubSync />, show: can("account.manage") },
    { key: "backups", label: m.admin.backups.title, children: <Backups />, show: can("account.manage") },
    {
      key: "intake-setup",
      label: m.admin.intakeSetup.title,
      children: <IntakeSetup />,
      show: can("taxonomy.edit"),
    },
    {
      key: "documents",
      label: m.admin.documentSettings.title,
      children: <DocumentSettings />,
      show: can("template.edit"),
    },
    { key: "privacy", label: m.admin.privacy.title, children: <Privacy />, show: can("privacy.manage") },
    { key: "accounts", label: t.accounts, children: <Accounts />, show: can("account.manage") },
    { key: "roles", label: t.roles, children: <Roles />, show: can("role.edit") },
    { key: "org", label: t.org, children: <Org />, show: can("org.edit") },
    { key: "audit", label: t.audit, children: <Audit />, show: can("audit.verify") },
  ];

  return (
    <div className="page">
      <Tabs
        data-testid="settings-tabs"
        destroyOnHidden
        items={tabs
          .filter((tab) => tab.show)
          .map(({ key, label, children }) => ({ key, label: <span data-testid={`tab-${key}`}>{label}</span>, children }))}
      />
    </div>
  );
}
