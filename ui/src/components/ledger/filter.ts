// The ledger's filter (what `cases.list` narrows by, without paging and order), its columns,
// and how both are kept in a person's preferences.
import type { CaseSortField, CasesListRequest, JsonValue, LedgerColumn } from "../../api";

/** Every filter of `cases.list`. */
export type LedgerFilter = Omit<CasesListRequest, "offset" | "limit" | "sort_by" | "sort_dir">;

const ARRAYS = [
  "statuses",
  "channels",
  "categories",
  "severities",
  "satisfactions",
  // Exact values, set by a click on a statistic ("" in a list: not recorded).
  "department_ids",
  "store_ids",
  "products",
  "root_causes",
  // Exactly these cases (a compliance check's findings, at most 5,000).
  "case_ids",
] as const;
const TEXTS = [
  "department_id",
  "store_id",
  "case_no",
  "product",
  "received_from",
  "received_to",
  "due_from",
  "due_to",
  "closed_from",
  "closed_to",
  "import_batch",
] as const;
const FLAGS = [
  "open",
  "overdue",
  "typical",
  "exclude_merged",
  // Set by a click on a KPI.
  "closed_on_time",
  "missed_deadline",
  "reopened",
  "first_contact",
] as const;
/** Ids where "" has a meaning of its own (no handler yet; no branch: headquarters): kept. */
const IDS = ["handler_id", "branch_id"] as const;

/** The filters only a statistic or a KPI sets (the filter bar has no control for them). */
export const STATS_ONLY = [
  "department_ids",
  "store_ids",
  "products",
  "root_causes",
  "exclude_merged",
  "closed_from",
  "closed_to",
  "closed_on_time",
  "missed_deadline",
  "reopened",
  "first_contact",
  "branch_id",
  "case_ids",
] as const;

/** Whether the filter narrows the way a statistic does (exact values, merged cases left out). */
export function narrowedByStats(f: LedgerFilter): boolean {
  const c = cleanFilter(f);
  return STATS_ONLY.some((k) => c[k] !== undefined);
}

/** The filter without the given parts. */
export function withoutFilters(f: LedgerFilter, keys: readonly string[]): LedgerFilter {
  const out: Record<string, unknown> = { ...f };
  for (const k of keys) delete out[k];
  return cleanFilter(out as LedgerFilter);
}

/** The filter without empty parts: what is sent, saved and compared. */
export function cleanFilter(f: LedgerFilter): LedgerFilter {
  const out: LedgerFilter = {};
  if (f.status) out.status = f.status;
  for (const k of ARRAYS) {
    const v = f[k];
    if (Array.isArray(v) && v.length > 0) (out as Record<string, unknown>)[k] = [...v];
  }
  for (const k of TEXTS) {
    const v = f[k];
    if (typeof v === "string" && v.trim() !== "") out[k] = v.trim();
  }
  for (const k of IDS) {
    const v = f[k];
    if (typeof v === "string") out[k] = v;
  }
  for (const k of FLAGS) {
    if (typeof f[k] === "boolean") out[k] = f[k];
  }
  return out;
}

/** How many filters are set (a date range counts once). */
export function activeFilters(f: LedgerFilter): number {
  const c = cleanFilter(f);
  let n = Object.keys(c).length;
  if (c.received_from && c.received_to) n -= 1;
  if (c.due_from && c.due_to) n -= 1;
  if (c.closed_from && c.closed_to) n -= 1;
  return n;
}

/** A filter read back from preferences (anything unknown or malformed is dropped). */
export function filterFromJson(value: unknown): LedgerFilter {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const v = value as Record<string, unknown>;
  const f: Record<string, unknown> = {};
  if (typeof v.status === "string") f.status = v.status;
  for (const k of ARRAYS) {
    if (Array.isArray(v[k])) f[k] = (v[k] as unknown[]).filter((x) => typeof x === "string");
  }
  for (const k of [...TEXTS, ...IDS]) {
    if (typeof v[k] === "string") f[k] = v[k];
  }
  for (const k of FLAGS) {
    if (typeof v[k] === "boolean") f[k] = v[k];
  }
  return cleanFilter(f as LedgerFilter);
}

export interface SavedFilter {
  name: string;
  filter: LedgerFilter;
}

export const SAVED_FILTERS_KEY = "ledger.saved_filters";
export const COLUMNS_KEY = "ledger.columns";

export function savedFiltersFromJson(value: unknown): SavedFilter[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (typeof item !== "object" || item === null) return [];
    const { name, filter } = item as { name?: unknown; filter?: unknown };
    return typeof name === "string" && name.trim() !== "" ? [{ name, filter: filterFromJson(filter) }] : [];
  });
}

export function savedFiltersToJson(list: SavedFilter[]): JsonValue {
  return list.map((s) => ({ name: s.name, filter: cleanFilter(s.filter) as { [key: string]: JsonValue } }));
}

/** The ledger's columns, in their default order (as `export::LedgerColumn::ALL`). */
export const LEDGER_COLUMNS: LedgerColumn[] = [
  "case_no",
  "received_at",
  "channel",
  "consumer",
  "product",
  "category",
  "severity",
  "department",
  "store",
  "status",
  "handler",
  "due_at",
  "overdue",
  "satisfaction",
  "result",
];

/** Always shown and first: it opens the case. */
export const PINNED: LedgerColumn = "case_no";

/** The columns a sort of `cases.list` can go by. */
export const SORT_FIELD: Partial<Record<LedgerColumn, CaseSortField>> = {
  case_no: "case_no",
  received_at: "received_at",
  channel: "channel",
  product: "product_name",
  category: "category",
  severity: "severity",
  status: "status",
  handler: "handler",
  due_at: "due_at",
};

export interface ColumnPrefs {
  order: LedgerColumn[];
  hidden: LedgerColumn[];
}

export const DEFAULT_COLUMNS: ColumnPrefs = { order: LEDGER_COLUMNS, hidden: [] };

const isColumn = (x: unknown): x is LedgerColumn => typeof x === "string" && (LEDGER_COLUMNS as string[]).includes(x);

/** Column preferences read back: unknown columns dropped, new ones appended, the pinned first. */
export function columnsFromJson(value: unknown): ColumnPrefs {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return DEFAULT_COLUMNS;
  const v = value as { order?: unknown; hidden?: unknown };
  const order = Array.isArray(v.order) ? v.order.filter(isColumn) : [];
  const unique = [...new Set(order)].filter((c) => c !== PINNED);
  const missing = LEDGER_COLUMNS.filter((c) => c !== PINNED && !unique.includes(c));
  const hidden = Array.isArray(v.hidden) ? [...new Set(v.hidden.filter(isColumn))].filter((c) => c !== PINNED) : [];
  return { order: [PINNED, ...unique, ...missing], hidden };
}

/** The columns shown, in order. */
export function visibleColumns(prefs: ColumnPrefs): LedgerColumn[] {
  return prefs.order.filter((c) => !prefs.hidden.includes(c));
}
