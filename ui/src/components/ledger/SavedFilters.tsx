import { DeleteOutlined, FilterOutlined } from "@ant-design/icons";
import { App, Button, Empty, Flex, Input, Popconfirm, Popover, Space, Typography } from "antd";
import { useEffect, useState } from "react";

import { call, type OperationError } from "../../api";
import { useI18n } from "../../i18n";
import {
  activeFilters,
  cleanFilter,
  SAVED_FILTERS_KEY,
  savedFiltersFromJson,
  savedFiltersToJson,
  type LedgerFilter,
  type SavedFilter,
} from "./filter";

/** Filters kept under a name (per account): save the current one, apply one, delete one. */
export function SavedFilters({ filter, onApply }: { filter: LedgerFilter; onApply: (f: LedgerFilter) => void }) {
  const { m } = useI18n();
  const s = m.ledger.savedFilters;
  const { message } = App.useApp();
  const [list, setList] = useState<SavedFilter[]>([]);
  const [name, setName] = useState("");
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    call("preferences.get", { key: SAVED_FILTERS_KEY })
      .then((v) => live && setList(savedFiltersFromJson(v)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const store = async (next: SavedFilter[]) => {
    setBusy(true);
    try {
      await call("preferences.save", { key: SAVED_FILTERS_KEY, value: savedFiltersToJson(next) });
      setList(next);
      return true;
    } catch (e) {
      message.error((e as OperationError).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    const trimmed = name.trim();
    if (trimmed === "") {
      message.warning(s.nameRequired);
      return;
    }
    const entry = { name: trimmed, filter: cleanFilter(filter) };
    const replaced = list.some((x) => x.name === trimmed);
    const next = replaced ? list.map((x) => (x.name === trimmed ? entry : x)) : [...list, entry];
    if (await store(next)) {
      setName("");
      message.success(replaced ? s.replaced(trimmed) : s.saved(trimmed));
    }
  };

  const content = (
    <Space orientation="vertical" style={{ width: 320 }} data-testid="saved-filters">
      {list.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={s.none} />
      ) : (
        list.map((x, i) => (
          <Flex key={x.name} justify="space-between" align="center">
            <Button
              type="link"
              style={{ padding: 0 }}
              onClick={() => {
                onApply(x.filter);
                setOpen(false);
                message.info(s.applied(x.name));
              }}
              data-testid={`saved-filter-${i}`}
            >
              {x.name}
            </Button>
            <Popconfirm
              title={s.deleteConfirm(x.name)}
              onConfirm={() => store(list.filter((y) => y.name !== x.name))}
              okButtonProps={{ "data-testid": `saved-filter-delete-ok-${i}` } as never}
            >
              <Button
                size="small"
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={`${s.delete} ${x.name}`}
                data-testid={`saved-filter-delete-${i}`}
              />
            </Popconfirm>
          </Flex>
        ))
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {activeFilters(filter) === 0 ? s.emptyFilter : s.saveHint}
      </Typography.Text>
      <Space.Compact style={{ width: "100%" }}>
        <Input
          value={name}
          maxLength={40}
          placeholder={s.namePlaceholder}
          aria-label={s.name}
          onChange={(e) => setName(e.target.value)}
          onPressEnter={save}
          data-testid="saved-filter-name"
        />
        <Button type="primary" loading={busy} onClick={save} data-testid="saved-filter-save">
          {s.save}
        </Button>
      </Space.Compact>
    </Space>
  );

  return (
    <Popover trigger="click" placement="bottomRight" title={s.title} content={content} open={open} onOpenChange={setOpen}>
      <Button icon={<FilterOutlined />} data-testid="saved-filters-button">
        {s.button}
      </Button>
    </Popover>
  );
}
