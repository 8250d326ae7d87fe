// Generated from the Rust types by `redress-cli bindings`. Do not edit by hand:
// change the Rust types and regenerate (a test fails while this file is stale).

export type ApiError = { code: string, message: string, fields: Array<FieldError>, };

export type CaseDetail = { case: CaseRow, consumer: ConsumerContact, content: string, product_model: string | null, quantity: number, amount_paid_fen: number | null, order_no: string | null, purchased_at: string | null, complexity: string, demand: string, demand_amount_fen: number | null, received_by: string, closed_at: string | null, root_cause: string | null, timeline: Array<TimelineEntry>, };

export type CaseGetRequest = { id: string, };

export type CaseRow = { id: string, case_no: string, received_at: string, channel: string, consumer_name: string, product_name: string, category: string, severity: Severity, department: string | null, store: string | null, status: CaseStatus, handler: string | null, due_at: string | null, overdue: boolean, satisfaction: Satisfaction | null, result: string | null, };

export type CaseSortField = "received_at" | "case_no" | "status" | "severity" | "due_at" | "product_name";

export type CaseStatus = "received" | "investigating" | "planning" | "negotiating" | "executing" | "feedback" | "closed" | "withdrawn";

export type CasesListRequest = { 
/**
 * Rows to skip (default 0).
 */
offset?: number, 
/**
 * Rows to return, 1–500 (default 50).
 */
limit?: number, sort_by?: CaseSortField, sort_dir?: SortDirection, 
/**
 * Only cases in this status.
 */
status?: CaseStatus, 
/**
 * `true`: only cases still being handled; `false`: only closed or withdrawn ones.
 */
open?: boolean, 
/**
 * `true`: only open cases past their deadline; `false`: every case but those.
 */
overdue?: boolean, };

export type CasesListResponse = { 
/**
 * How many cases match, over all pages.
 */
total: number, offset: number, items: Array<CaseRow>, };

export type ConsumerContact = { name: string, mobile: string | null, landline: string | null, email: string | null, address: string | null, };

export type DemoRequest = { 
/**
 * How many cases to write (1–2,000,000).
 */
cases: number, 
/**
 * The same seed and `until` give the same data (default 20261128).
 */
seed?: number, 
/**
 * The last day of the two-year history, `YYYY-MM-DD` (default today, China time).
 */
until?: string, };

export type DemoResponse = { cases_created: number, org_units_created: number, events_written: number, };

export type FieldError = { field: string, code: string, message: string, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type Lang = "zh-CN" | "en";

export type Satisfaction = "satisfied" | "fairly_satisfied" | "dissatisfied";

export type Severity = "general" | "serious" | "major" | "mass";

export type SortDirection = "asc" | "desc";

export type SystemInfo = { version: string, db_path: string, schema_version: number, site_id: string, site_code: string, site_name: string, case_count: number, event_count: number, };

export type SystemInfoRequest = Record<symbol, never>;

export type TimelineEntry = { event_id: string, kind: string, occurred_at: string, recorded_at: string, actor: string, 
/**
 * The event's payload without its sealed personal data.
 */
detail: JsonValue, };

/** Every operation: its request and response types. */
export type Operations = {
  "cases.list": { request: CasesListRequest; response: CasesListResponse };
  "cases.get": { request: CaseGetRequest; response: CaseDetail };
  "demo.generate": { request: DemoRequest; response: DemoResponse };
  "system.info": { request: SystemInfoRequest; response: SystemInfo };
};

/** The Tauri command that serves each operation. */
export const COMMANDS = {
  "cases.list": "cases_list",
  "cases.get": "cases_get",
  "demo.generate": "demo_generate",
  "system.info": "system_info",
} as const satisfies Record<keyof Operations, string>;
