import { ArrowDownOutlined, ArrowUpOutlined, SettingOutlined } from "@ant-design/icons";
import { Button, Checkbox, Flex, Popover, Space, Typography } from "antd";

import type { LedgerColumn } from "../../api";
import { useI18n } from "../../i18n";
import { DEFAULT_COLUMNS, PINNED, type ColumnPrefs } from "./filter";

/** Which columns the ledger shows, and in what order (the export follows the same). */
export function ColumnChooser({ prefs, onChange }: { prefs: ColumnPrefs; onChange: (prefs: ColumnPrefs) => void }) {
  const { m } = useI18n();
  const c = m.ledger.columnChooser;
  const move = (col: LedgerColumn, by: -1 | 1) => {
    const i = prefs.order.indexOf(col);
    const j = i + by;
    // The pinned column stays first.
    if (i < 1 || j < 1 || j >= prefs.order.length) return;
    const order = prefs.order.filter((c) => c !== col);
    order.splice(j, 0, col);
    onChange({ ...prefs, order });
  };
  const toggle = (col: LedgerColumn, shown: boolean) =>
    onChange({ ...prefs, hidden: shown ? prefs.hidden.filter((h) => h !== col) : [...prefs.hidden, col] });

  const content = (
    <Space orientation="vertical" size={4} style={{ width: 280 }} data-testid="column-chooser">
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {c.hint}
      </Typography.Text>
      {prefs.order.map((col, i) => (
        <Flex key={col} justify="space-between" align="center" data-testid={`column-item-${col}`}>
          <Checkbox
            checked={!prefs.hidden.includes(col)}
            disabled={col === PINNED}
            onChange={(e) => toggle(col, e.target.checked)}
            data-testid={`column-toggle-${col}`}
          >
            {m.ledger.columns[col]}
          </Checkbox>
          <Space size={2}>
            <Button
              size="small"
              type="text"
              icon={<ArrowUpOutlined />}
              aria-label={`${c.up} ${m.ledger.columns[col]}`}
              disabled={col === PINNED || i <= 1}
              onClick={() => move(col, -1)}
              data-testid={`column-up-${col}`}
            />
            <Button
              size="small"
              type="text"
              icon={<ArrowDownOutlined />}
              aria-label={`${c.down} ${m.ledger.columns[col]}`}
              disabled={col === PINNED || i === prefs.order.length - 1}
              onClick={() => move(col, 1)}
              data-testid={`column-down-${col}`}
            />
          </Space>
        </Flex>
      ))}
      <Button size="small" onClick={() => onChange(DEFAULT_COLUMNS)} data-testid="columns-reset">
        {c.reset}
      </Button>
    </Space>
  );
  return (
    <Popover trigger="click" placement="bottomRight" title={c.title} content={content}>
      <Button icon={<SettingOutlined />} data-testid="columns-button">
        {c.button}
      </Button>
    </Popover>
  );
}
