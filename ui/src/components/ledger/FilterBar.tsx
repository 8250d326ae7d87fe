import { ClearOutlined } from "@ant-design/icons";
import { Button, Checkbox, DatePicker, Flex, Input, Select, Tag } from "antd";
import dayjs from "dayjs";
import { useCallback, useEffect, useState } from "react";

import { call, type CaseStatus, type HandlerView, type OrgUnitView, type Satisfaction, type Severity } from "../../api";
import { useCodes } from "../../codes";
import { useI18n } from "../../i18n";
import { activeFilters, type LedgerFilter } from "./filter";

export const STATUSES: CaseStatus[] = [
  "received",
  "investigating",
  "planning",
  "negotiating",
  "executing",
  "feedback",
  "closed",
  "withdrawn",
  "merged",
];
export const SEVERITIES: Severity[] = ["general", "serious", "major", "mass"];
export const SATISFACTIONS: Satisfaction[] = ["satisfied", "fairly_satisfied", "dissatisfied"];

/** The handler select's value for "nobody handles it yet" (sent as `handler_id: ""`). */
const UNASSIGNED = "__unassigned__";
/** How long typing rests before a prefix filter is applied. */
const TYPING_MS = 300;

/** A text filter applied once typing rests, or at Enter. */
function PrefixInput({
  value,
  onCommit,
  placeholder,
  testId,
  width,
}: {
  value: string | undefined;
  onCommit: (v: string | undefined) => void;
  placeholder: string;
  testId: string;
  width: number;
}) {
  const [text, setText] = useState(value ?? "");
  // Follows the filter when it changes from outside (cleared, a saved filter applied).
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    setText(value ?? "");
  }
  useEffect(() => {
    if (text === (value ?? "")) return;
    const timer = window.setTimeout(() => onCommit(text === "" ? undefined : text), TYPING_MS);
    return () => window.clearTimeout(timer);
  }, [text, value, onCommit]);
  return (
    <Input
      allowClear
      style={{ width }}
      value={text}
      placeholder={placeholder}
      aria-label={placeholder}
      data-testid={testId}
      onChange={(e) => setText(e.target.value)}
      onPressEnter={() => onCommit(text === "" ? undefined : text)}
    />
  );
}

interface Directory {
  units: OrgUnitView[];
  /** null: this account may not list them. */
  handlers: HandlerView[] | null;
}

/** Filters on every column of the ledger; every change goes to `onPatch`. */
export function FilterBar({
  filter,
  onPatch,
  onClear,
}: {
  filter: LedgerFilter;
  onPatch: (patch: Partial<LedgerFilter>) => void;
  onClear: () => void;
}) {
  const { m, lang } = useI18n();
  const f = m.ledger.filters;
  const codes = useCodes();
  const [dir, setDir] = useState<Directory>({ units: [], handlers: null });

  useEffect(() => {
    let live = true;
    call("org.list", {})
      .then((units) => live && Array.isArray(units) && setDir((d) => ({ ...d, units })))
      .catch(() => undefined);
    call("org.handlers", {})
      .then((handlers) => live && Array.isArray(handlers) && setDir((d) => ({ ...d, handlers })))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const commitCaseNo = useCallback((v: string | undefined) => onPatch({ case_no: v }), [onPatch]);
  const commitProduct = useCallback((v: string | undefined) => onPatch({ product: v }), [onPatch]);

  const unitsOf = (kinds: OrgUnitView["kind"][]) =>
    dir.units.filter((u) => kinds.includes(u.kind)).map((u) => ({ value: u.id, label: u.name }));
  const departments = unitsOf(["department"]);
  const branches = unitsOf(["branch", "subsidiary"]);
  const stores = unitsOf(["store"]);
  const codeOptions = (list: "channel" | "category") =>
    (list === "channel" ? codes.lists.channels : codes.lists.categories).map((e) => ({
      value: e.code,
      label: lang === "zh-CN" ? e.label_zh : e.label_en,
    }));
  const range = (from: string | undefined, to: string | undefined): [dayjs.Dayjs | null, dayjs.Dayjs | null] | null =>
    from || to ? [from ? dayjs(from) : null, to ? dayjs(to) : null] : null;
  const multi = {
    mode: "multiple" as const,
    allowClear: true,
    maxTagCount: "responsive" as const,
    showSearch: { optionFilterProp: "label" },
  };
  const n = activeFilters(filter);

  return (
    <Flex wrap gap={8} align="center" style={{ marginBottom: 12 }} data-testid="ledger-filters">
      {filter.import_batch && (
        <Tag closable color="purple" onClose={() => onPatch({ import_batch: undefined })} data-testid="ledger-filter-batch">
          {f.batch}
        </Tag>
      )}
      <Select<CaseStatus[]>
        {...multi}
        style={{ width: 200 }}
        placeholder={f.statuses}
        aria-label={f.statuses}
        data-testid="ledger-filter-statuses"
        value={filter.statuses ?? []}
        onChange={(v) => onPatch({ statuses: v })}
        options={STATUSES.map((s) => ({ value: s, label: m.labels.status[s] }))}
      />
      <Select<string[]>
        {...multi}
        style={{ width: 180 }}
        placeholder={f.channels}
        aria-label={f.channels}
        data-testid="ledger-filter-channels"
        value={filter.channels ?? []}
        onChange={(v) => onPatch({ channels: v })}
        options={codeOptions("channel")}
      />
      <Select<string[]>
        {...multi}
        style={{ width: 200 }}
        placeholder={f.categories}
        aria-label={f.categories}
        data-testid="ledger-filter-categories"
        value={filter.categories ?? []}
        onChange={(v) => onPatch({ categories: v })}
        options={codeOptions("category")}
      />
      <Select<Severity[]>
        {...multi}
        style={{ width: 170 }}
        placeholder={f.severities}
        aria-label={f.severities}
        data-testid="ledger-filter-severities"
        value={filter.severities ?? []}
        onChange={(v) => onPatch({ severities: v })}
        options={SEVERITIES.map((s) => ({ value: s, label: m.labels.severity[s] }))}
      />
      <Select<Satisfaction[]>
        {...multi}
        style={{ width: 170 }}
        placeholder={f.satisfactions}
        aria-label={f.satisfactions}
        data-testid="ledger-filter-satisfactions"
        value={filter.satisfactions ?? []}
        onChange={(v) => onPatch({ satisfactions: v })}
        options={SATISFACTIONS.map((s) => ({ value: s, label: m.labels.satisfaction[s] }))}
      />
      <Select<string>
        allowClear
        showSearch={{ optionFilterProp: "label" }}
        style={{ width: 160 }}
        placeholder={f.department}
        aria-label={f.department}
        data-testid="ledger-filter-department"
        value={filter.department_id}
        onChange={(v) => onPatch({ department_id: v })}
        options={departments}
      />
      <Select<string>
        allowClear
        showSearch={{ optionFilterProp: "label" }}
        style={{ width: 180 }}
        placeholder={f.store}
        aria-label={f.store}
        data-testid="ledger-filter-store"
        value={filter.store_id}
        onChange={(v) => onPatch({ store_id: v })}
        options={[
          ...(branches.length ? [{ label: f.branches, title: f.branches, options: branches }] : []),
          ...(stores.length ? [{ label: f.stores, title: f.stores, options: stores }] : []),
        ]}
      />
      <Select<string>
        allowClear
        showSearch={{ optionFilterProp: "label" }}
        style={{ width: 150 }}
        placeholder={f.handler}
        aria-label={f.handler}
        data-testid="ledger-filter-handler"
        value={filter.handler_id === "" ? UNASSIGNED : filter.handler_id}
        onChange={(v) => onPatch({ handler_id: v === UNASSIGNED ? "" : v })}
        options={[
          { value: UNASSIGNED, label: f.unassigned },
          ...(dir.handlers ?? []).map((h) => ({ value: h.id, label: h.display_name })),
        ]}
      />
      <PrefixInput value={filter.case_no} onCommit={commitCaseNo} placeholder={f.caseNo} testId="ledger-filter-case-no" width={170} />
      <PrefixInput value={filter.product} onCommit={commitProduct} placeholder={f.product} testId="ledger-filter-product" width={170} />
      <DatePicker.RangePicker
        allowEmpty={[true, true]}
        style={{ width: 260 }}
        format="YYYY-MM-DD"
        placeholder={[f.receivedFrom, f.receivedTo]}
        aria-label={f.received}
        data-testid="ledger-filter-received"
        value={range(filter.received_from, filter.received_to)}
        onChange={(_, s) => onPatch({ received_from: s?.[0] || undefined, received_to: s?.[1] || undefined })}
      />
      <DatePicker.RangePicker
        allowEmpty={[true, true]}
        style={{ width: 260 }}
        format="YYYY-MM-DD"
        placeholder={[f.dueFrom, f.dueTo]}
        aria-label={f.due}
        data-testid="ledger-filter-due"
        value={range(filter.due_from, filter.due_to)}
        onChange={(_, s) => onPatch({ due_from: s?.[0] || undefined, due_to: s?.[1] || undefined })}
      />
      <Select<"" | "open" | "closed">
        style={{ width: 120 }}
        aria-label={f.open}
        data-testid="ledger-filter-open"
        value={filter.open === undefined ? "" : filter.open ? "open" : "closed"}
        onChange={(v) => onPatch({ open: v === "" ? undefined : v === "open" })}
        options={[
          { value: "", label: f.openAll },
          { value: "open", label: f.openOnly },
          { value: "closed", label: f.closedOnly },
        ]}
      />
      <Checkbox
        checked={filter.overdue === true}
        onChange={(e) => onPatch({ overdue: e.target.checked ? true : undefined })}
        data-testid="ledger-filter-overdue"
      >
        {f.overdue}
      </Checkbox>
      <Button icon={<ClearOutlined />} disabled={n === 0} onClick={onClear} data-testid="ledger-filter-clear">
        {f.clear}
      </Button>
    </Flex>
  );
}
