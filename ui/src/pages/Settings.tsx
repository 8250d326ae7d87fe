import { Card, Descriptions, InputNumber, Radio, Space } from "antd";
import { useState } from "react";

import type { Lang, SystemInfo } from "../api";
import { DemoLoader } from "../components/DemoLoader";
import { useI18n } from "../i18n";

/**
 * The most demo cases one click may ask for: the call reports no progress, so it stays short
 * (a few seconds). Larger sets: `redress-cli demo --cases N`.
 */
export const MAX_UI_DEMO_CASES = 20_000;

export function Settings({ info, onChanged }: { info: SystemInfo; onChanged: () => void }) {
  const { m, lang, setLang } = useI18n();
  const [count, setCount] = useState(1000);
  const s = m.settings;
  return (
    <div className="page">
      <Space direction="vertical" size="middle" style={{ width: "100%" }}>
        <Card title={s.language}>
          <Radio.Group
            value={lang}
            onChange={(e) => setLang(e.target.value as Lang)}
            options={(["zh-CN", "en"] as const).map((l) => ({ value: l, label: m.labels.lang[l] }))}
          />
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
      </Space>
    </div>
  );
}
