// Generated from the Rust types by `redress-cli bindings`. Do not edit by hand:
// change the Rust types and regenerate (a test fails while this file is stale).

export type AccountCreateRequest = { username: string, display_name: string, unit_id: string | null, roles: Array<RoleCode>, 
/**
 * The initial password; its holder must change it at the first sign-in.
 */
password: string, };

export type AccountUpdateRequest = { id: string, display_name?: string, 
/**
 * A unit id; `null` is not accepted here: every account keeps a unit once it has one.
 */
unit_id?: string, roles?: Array<RoleCode>, active?: boolean, };

export type AccountView = { id: string, username: string, display_name: string, unit_id: string | null, unit_name: string | null, roles: Array<RoleCode>, active: boolean, 
/**
 * Set while the account is locked after repeated wrong passwords.
 */
locked_until: string | null, };

export type AccountsListRequest = Record<symbol, never>;

export type AcknowledgeResult = { id: string, acknowledged_at: string, };

export type AdvanceRequest = { id: string, 
/**
 * `start_investigation`, `start_planning`, `finish_execution` or `withdraw`; the other
 * moves have their own operations (offer, negotiate, feedback, close).
 */
move: Move, 
/**
 * Required for a withdrawal: the consumer's reason.
 */
note?: string, };

export type Alert = { dimension: WatchDimension, value: string, 
/**
 * The value as people read it (the store's name, the category's label).
 */
label: string, window_hours: number, window_start: string, window_end: string, observed: number, expected: number, ratio: number, p_value: number, 
/**
 * Cases per window-length in the baseline before the window.
 */
baseline_expected: number, 
/**
 * How much the same dates last year rose over their own baseline (1 when they did not).
 */
seasonal_factor: number, 
/**
 * `own` (the value's last year), `all` (all cases' last year) or `none`.
 */
seasonal_source: string, case_ids: Array<string>, cases: Array<AlertCase>, 
/**
 * The open incident that already watches this value.
 */
incident: AlertIncident | null, };

export type AlertCase = { id: string, case_no: string, received_at: string, status: string, store: string | null, product: string | null, category: string, };

export type AlertEvidence = { dimension: WatchDimension, value: string, label: string, window_hours: number, window_start: string, window_end: string, observed: number, expected: number, p_value: number, };

export type AlertIncident = { id: string, incident_no: string, };

export type AlertMethod = { windows_hours: Array<number>, baseline_days: number, season_shift_days: number, min_season_cases: number, alpha: number, min_count: number, min_ratio: number, min_expected: number, 
/**
 * Tests made (values × windows): the Bonferroni divisor.
 */
tests: number, 
/**
 * The p-value an alert must be below.
 */
threshold: number, };

export type AlertsRequest = { 
/**
 * The moment of the check: RFC 3339, `YYYY-MM-DD HH:MM` (China time) or `YYYY-MM-DD` (the
 * end of that day). Default: now.
 */
at?: string, };

export type AlertsResponse = { at: string, method: AlertMethod, alerts: Array<Alert>, };

export type AnonymisedConsumer = { consumer_id: string, case_ids: Array<string>, };

export type ApiError = { code: string, message: string, fields: Array<FieldError>, };

export type ApprovalView = { plan_id: string, case_id: string, case_no: string, version: number, summary: string, money_fen: number, author: string, drafted_at: string, };

export type AssignRequest = { id: string, 
/**
 * The handler it goes to, by account id or user name.
 */
handler_id?: string, 
/**
 * The department it goes to, by id or code.
 */
department_id?: string, note?: string, };

export type AttendeeView = { account_id: string, name: string, unit: string | null, score: number | null, 
/**
 * Passed the course's test (none: the course has no test, or no score).
 */
passed: boolean | null, };

export type AuditReport = { intact: boolean, events_checked: number, broken: BrokenLink | null, checked_at: string, };

export type AuditVerifyRequest = Record<symbol, never>;

export type AuthStatus = { 
/**
 * No account exists yet: the first start asks for the first administrator.
 */
needs_setup: boolean, session: SessionView | null, 
/**
 * The session is locked after being idle; the password unlocks it.
 */
locked: boolean, };

export type BackupChecked = { backup: BackupInfo, events_checked: number, evidence_checked: number, };

export type BackupConfigureRequest = { 
/**
 * An absolute path; created if missing, and must be writable. Empty: no folder (no
 * backups on schedule).
 */
folder: string, 
/**
 * This site's backups kept in the folder (the oldest go): 1–1000.
 */
keep: number, 
/**
 * One backup a day while the app runs.
 */
daily: boolean, };

export type BackupCreateRequest = Record<symbol, never>;

export type BackupDiscardRequest = { 
/**
 * A database a restore set aside (from `replaced`).
 */
path: string, };

export type BackupInfo = { 
/**
 * The backup's own folder.
 */
path: string, name: string, manifest: Manifest, 
/**
 * Bytes of evidence it needs (shared with other backups in the folder).
 */
evidence_bytes: number, };

export type BackupMade = { backup: BackupInfo, 
/**
 * Evidence files copied this time (the others were in the folder already).
 */
evidence_copied: number, evidence_copied_bytes: number, 
/**
 * Older backups of this site removed to keep the newest N.
 */
removed: Array<string>, };

export type BackupRestoreRequest = { path: string, };

export type BackupStatusRequest = Record<symbol, never>;

export type BackupVerifyRequest = { 
/**
 * A backup's own folder (from the list).
 */
path: string, };

export type BackupView = { folder: string | null, keep: number, daily: boolean, 
/**
 * The last backup made, when and its name.
 */
last_at: string | null, last_name: string | null, 
/**
 * The last attempt, when it failed after the last success: what went wrong and when.
 */
last_error: string | null, last_error_at: string | null, 
/**
 * A daily backup is due (none yet today, China time).
 */
due: boolean, 
/**
 * The backups in the folder, newest first.
 */
backups: Array<BackupInfo>, 
/**
 * Why the folder could not be read, if it could not.
 */
folder_problem: string | null, 
/**
 * Databases a restore replaced, kept beside this one until discarded (newest first).
 */
replaced: Array<ReplacedDatabase>, 
/**
 * This site's own id and code: a backup of another site is told apart before a restore.
 */
site_id: string, site_code: string, };

export type Breakdown = { dimension: StatsDimension, items: Array<BreakdownItem>, };

export type BreakdownItem = { 
/**
 * The value (a code, an org unit's id, a product name); none when the cases lack it, and
 * none with `others` for the products beyond the top ones.
 */
key: string | null, 
/**
 * An org unit's name (codes are named by the UI's lists).
 */
name: string | null, 
/**
 * The line sums the products not listed.
 */
others: boolean, figure: Figure, 
/**
 * Share of the period's total, in per cent.
 */
share: number, 
/**
 * The ledger filter listing this line's cases in the period (none for `others`).
 */
cases: Record<string, unknown> | null, };

export type BrokenLink = { site_id: string, site_seq: number, detail: string, };

export type BulletinCase = { case_id: string, case_no: string, 
/**
 * The case's heading (一、…).
 */
heading: string, 
/**
 * （一）基本情况.
 */
summary: string, 
/**
 * （二）原因分析.
 */
cause: string, 
/**
 * （三）处理情况.
 */
handling: string, 
/**
 * （四）经验教训与整改要求.
 */
lessons: string, };

export type BulletinContent = { title: string, 
/**
 * 主送机关.
 */
addressee: string, intro: string, cases: Array<BulletinCase>, closing: string, 
/**
 * 抄送: who receives a copy.
 */
copy_to: Array<string>, masking: Masking, };

export type BulletinDraftRequest = { 
/**
 * Ids or numbers of the typical cases, in the order the bulletin tells them.
 */
cases: Array<string>, };

export type BulletinRequest = { id: string, };

export type BulletinSaveRequest = { id: string, content: BulletinContent, };

export type BulletinStatus = "draft" | "issued" | "discarded";

export type BulletinSummary = { id: string, status: BulletinStatus, title: string, case_count: number, doc_no: string | null, issued_on: string | null, issued_by: string | null, author: string, created_at: string, updated_at: string, pdf_size: number | null, };

export type BulletinView = { summary: BulletinSummary, content: BulletinContent, 
/**
 * What the bulletin will print, with personal data masked as `content.masking` says.
 */
preview: BulletinContent, };

export type BulletinWording = { title: string, 
/**
 * 主送机关.
 */
addressee: string, intro: string, 
/**
 * The requirements that close the bulletin.
 */
closing: string, 
/**
 * The default "lessons and rectification" of each case, before the author edits it.
 */
lessons: string, };

export type BulletinsListRequest = { 
/**
 * Only drafts or only issued ones; all but discarded ones when absent.
 */
status: BulletinStatus | null, };

export type BundleExportReport = { bundle_id: string, file_name: string, events: number, keys: number, 
/**
 * Evidence files and issued PDFs carried.
 */
blobs: number, ranges: Array<SiteRange>, bytes: number, };

export type BundleExportRequest = { 
/**
 * The file to write (`….redress-bundle`); its folder must exist.
 */
path: string, scope: BundleScope, };

export type BundleHistoryRequest = Record<symbol, never>;

export type BundleImportReport = { bundle_id: string, site_code: string, created_at: string, events: number, 
/**
 * Events new to this site, folded.
 */
stored: number, 
/**
 * Events this site held already.
 */
duplicates: number, 
/**
 * Events set aside until an earlier bundle fills the gap before them.
 */
held: number, 
/**
 * Events set aside here in all, after this import.
 */
held_total: number, 
/**
 * Evidence files and issued PDFs new to this site.
 */
blobs: number, refolded: boolean, 
/**
 * With a hub configured, the bundle was passed on to it as well (so headquarters' hub
 * has what the bundle brought without waiting for its site to come online); the hub's
 * refusal or unreachability is said here and changes nothing done locally.
 */
forwarded: boolean | null, forward_error: string | null, };

export type BundleImportRequest = { path: string, };

export type BundleLogEntry = { direction: string, bundle_id: string, site_id: string, file_name: string, events: number, stored: number, duplicates: number, held: number, user_id: string | null, at: string, };

export type BundleScope = "waiting" | "new" | "all";

export type CalendarChange = { 
/**
 * Days set.
 */
days: number, 
/**
 * The years they fall in.
 */
years: Array<number>, 
/**
 * How the text was read (`redress`, `chinese-days` or `csv`), for an import.
 */
format: string | null, 
/**
 * Nothing was saved (a preview).
 */
dry_run: boolean, };

export type CalendarDayView = { date: string, kind: DayKind, name_zh: string, name_en: string, 
/**
 * Set by an administrator (else: as shipped).
 */
edited: boolean, };

export type CalendarImportRequest = { 
/**
 * The file's text: Redress's own JSON (`[{date, kind, name_zh, name_en}]`), the
 * `chinese-days` package's JSON (`{holidays, workdays}`), or CSV lines
 * `date,kind,name_zh[,name_en]` with kind `holiday`/`休` or `workday`/`班`.
 */
text: string, file_name?: string, 
/**
 * Read and check only; save nothing.
 */
dry_run: boolean, };

export type CalendarListRequest = { year: number, };

export type CalendarSetRequest = { 
/**
 * Days to set; kind `ordinary` takes a day back to the Monday-to-Friday rule.
 */
days: Array<SpecialDay>, };

export type CalendarYear = { year: number, 
/**
 * The year's holidays and adjusted working days, in date order.
 */
days: Array<CalendarDayView>, 
/**
 * Working days in the year under the schedule in force.
 */
working_days: number, 
/**
 * Every year for which a holiday schedule is known (shipped or entered).
 */
years_with_schedule: Array<number>, };

export type CaseAcknowledgeRequest = { id: string, method: ContactMethod, note?: string, };

export type CaseDetail = { case: CaseRow, consumer: ConsumerContact, content: string, product_model: string | null, quantity: number, amount_paid_fen: number | null, order_no: string | null, purchased_at: string | null, complexity: string, demand: string, demand_amount_fen: number | null, received_by: string, closed_at: string | null, root_cause: string | null, 
/**
 * When the consumer was told the complaint was received.
 */
acknowledged_at: string | null, 
/**
 * For a merged duplicate: the case that carries on.
 */
merged_into: LinkedCase | null, 
/**
 * Related complaints, and duplicates merged into this case or it into another.
 */
links: Array<LinkedCase>, 
/**
 * The major or mass incidents (§六) the case belongs to.
 */
incidents: Array<CaseIncident>, 
/**
 * Under legal hold (its personal data kept past the retention period): the reason.
 */
legal_hold: string | null, 
/**
 * The consumer's personal data has been anonymised.
 */
anonymised: boolean, 
/**
 * Which site owns the case (only it changes the case's state), and hand-overs.
 */
ownership: CaseOwnership, timeline: Array<TimelineEntry>, };

export type CaseGetRequest = { id: string, };

export type CaseIncident = { id: string, incident_no: string, title: string, 
/**
 * `open` or `closed`.
 */
status: string, };

export type CaseLinkRequest = { 
/**
 * The case, by id or number.
 */
id: string, 
/**
 * The case to link it to, by id or number.
 */
other: string, note?: string, };

export type CaseLinkResult = { id: string, other_id: string, other_case_no: string, };

export type CaseMergeRequest = { 
/**
 * The duplicate, by id or number: it is finished and points to `into`.
 */
id: string, 
/**
 * The case that carries on, by id or number.
 */
into: string, 
/**
 * Why they are the same complaint.
 */
reason: string, };

export type CaseMergeResult = { id: string, case_no: string, into_id: string, into_case_no: string, };

export type CaseOwnership = { owner_site: string, owner_label: string, 
/**
 * How many times the case changed owner.
 */
epoch: number, 
/**
 * This site owns it: it may change the case's state.
 */
mine: boolean, pending: PendingHandover | null, 
/**
 * Entries held for review on this case, not yet reviewed.
 */
held_open: number, };

export type CaseRow = { id: string, case_no: string, received_at: string, channel: string, consumer_name: string, product_name: string, category: string, severity: Severity, department: string | null, store: string | null, status: CaseStatus, handler: string | null, due_at: string | null, overdue: boolean, 
/**
 * Due within the next 24 hours and not yet overdue.
 */
at_risk: boolean, 
/**
 * Why the deadline clock stands still, while it does.
 */
paused_reason: string | null, 
/**
 * While the consumer has not been told the complaint was received: by when they must be.
 */
ack_due_at: string | null, 
/**
 * That time has passed.
 */
ack_overdue: boolean, satisfaction: Satisfaction | null, result: string | null, };

export type CaseScope = "all" | "department" | "own";

export type CaseSortField = "received_at" | "case_no" | "status" | "severity" | "due_at" | "product_name" | "channel" | "category" | "handler";

export type CaseStatus = "received" | "investigating" | "planning" | "negotiating" | "executing" | "feedback" | "closed" | "withdrawn" | "merged";

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
 * `true`: only open cases past their deadline (a paused clock is not overdue); `false`:
 * every case but those.
 */
overdue?: boolean, 
/**
 * `true`: only cases marked typical (典型案例) at closing, for internal bulletins.
 */
typical?: boolean, 
/**
 * Only cases in one of these statuses (with `status`, both must hold).
 */
statuses?: Array<CaseStatus>, 
/**
 * Only cases received through one of these channels (codes).
 */
channels?: Array<string>, 
/**
 * Only cases of one of these categories (codes).
 */
categories?: Array<string>, severities?: Array<Severity>, 
/**
 * Only cases with one of these satisfaction answers.
 */
satisfactions?: Array<Satisfaction>, 
/**
 * Only cases of this department (id).
 */
department_id?: string, 
/**
 * Only cases of this store or branch (id), or of the stores under this branch.
 */
store_id?: string, 
/**
 * Only cases handled by this account (id); `""`: only cases nobody handles yet.
 */
handler_id?: string, 
/**
 * Case numbers beginning with this text.
 */
case_no?: string, 
/**
 * Product names beginning with this text.
 */
product?: string, 
/**
 * Received on or after this day (`YYYY-MM-DD`, China time).
 */
received_from?: string, 
/**
 * Received on or before this day (`YYYY-MM-DD`, China time).
 */
received_to?: string, 
/**
 * Due on or after this day (`YYYY-MM-DD`, China time).
 */
due_from?: string, 
/**
 * Due on or before this day (`YYYY-MM-DD`, China time).
 */
due_to?: string, 
/**
 * Only cases imported in this import batch.
 */
import_batch?: string, 
/**
 * Exact values, as the statistics count them (a click on a figure lists its cases); `""`
 * in a list stands for "not recorded". Departments (ids):
 */
department_ids?: Array<string>, 
/**
 * Stores or branches where the case was received (ids, the branch alone).
 */
store_ids?: Array<string>, 
/**
 * Product names, whole.
 */
products?: Array<string>, 
/**
 * Root causes recorded at closing (codes).
 */
root_causes?: Array<string>, 
/**
 * `true`: leave out cases merged into another (they are the same dispute).
 */
exclude_merged?: boolean, 
/**
 * Closed on or after this day (`YYYY-MM-DD`, China time).
 */
closed_from?: string, 
/**
 * Closed on or before this day.
 */
closed_to?: string, 
/**
 * `true`: closed by their deadline; `false`: closed after it (cases without a deadline
 * are neither).
 */
closed_on_time?: boolean, 
/**
 * `true`: cases that missed their deadline: closed after it, or still open with the clock
 * running past it; `false`: every other case.
 */
missed_deadline?: boolean, 
/**
 * `true`: reopened at least once because the consumer was not satisfied; `false`: never.
 */
reopened?: boolean, 
/**
 * `true`: settled in the intake sitting and never reopened (first-contact resolution).
 */
first_contact?: boolean, 
/**
 * Cases of this branch or subsidiary: their store's (or, without a store, their
 * department's) nearest branch or subsidiary is this one; `""`: cases of no branch
 * (headquarters).
 */
branch_id?: string, 
/**
 * Exactly these cases (a compliance check's or an inspection's findings; at most 5,000).
 */
case_ids?: Array<string>, };

export type CasesListResponse = { 
/**
 * How many cases match, over all pages.
 */
total: number, offset: number, items: Array<CaseRow>, };

export type Clash = { event_id: string, 
/**
 * `set_aside` (it did not take effect here), `code_renamed` (an org unit's code given a
 * suffix) or `number_twice` (a number of the year its site had given another document).
 */
outcome: string, 
/**
 * The site that wrote it: its code (from the hub's list, or this site), else its id.
 */
site: string, kind: string, 
/**
 * The case it belongs to, by number, when this site holds the case.
 */
case_no: string | null, occurred_at: string, 
/**
 * Why, in the database's or the fold's words (`UNIQUE constraint failed: org_units.code`).
 */
reason: string, };

export type ClockFlag = { site_id: string, 
/**
 * Its code, as in the case numbers it gives (when it has given one here).
 */
site_code: string | null, 
/**
 * Its events flagged, and the furthest ahead one was (ms).
 */
events: number, ahead_ms: number, last_seen_at: string, };

export type ClockPauseRequest = { id: string, 
/**
 * What the case waits for: a test report, the consumer's reply, a supplier.
 */
reason: string, };

export type ClockResumeRequest = { id: string, 
/**
 * How the consumer was told of the new deadline (a compliance finding when the deadline
 * moved and this is missing).
 */
informed_by?: ContactMethod, 
/**
 * The day they were told (`YYYY-MM-DD`, not after today); default: today.
 */
informed_on?: string, };

export type ClockState = { id: string, paused: boolean, due_at: string | null, };

export type CloseRequest = { id: string, 
/**
 * What was done and how it ended.
 */
result: string, root_cause: RootCause, 
/**
 * A typical case (典型案例) for internal bulletins.
 */
typical: boolean, };

export type CodeEntry = { list: CodeList, 
/**
 * Stable identifier stored on cases: lower-case letters, digits and `_`.
 */
code: string, label_zh: string, label_en: string, 
/**
 * What belongs here, shown beside the choice.
 */
definition_zh: string, definition_en: string, 
/**
 * Order in pick lists (ascending).
 */
position: number, 
/**
 * Retired entries stay readable on old cases but are no longer offered.
 */
active: boolean, 
/**
 * For channels: a case from this channel must name the store involved.
 */
requires_store: boolean, 
/**
 * Shipped with the program (it can be relabelled or retired, not removed).
 */
builtin: boolean, };

export type CodeEntrySaveRequest = { list: CodeList, code: string, label_zh: string, label_en: string, definition_zh: string, definition_en: string, 
/**
 * Default: after the last entry.
 */
position?: number, active: boolean, requires_store: boolean, };

export type CodeList = "channel" | "category";

export type CodeLists = { channels: Array<CodeEntry>, categories: Array<CodeEntry>, };

export type CodesListRequest = Record<symbol, never>;

export type CompanyProfile = { 
/**
 * 企业名称: signs notices and is party 甲方 of settlements.
 */
company_name: string, 
/**
 * 发文机关: the department that issues internal bulletins.
 */
issuing_department: string, 
/**
 * The consumer hotline printed on notices.
 */
hotline: string, address: string, 
/**
 * 发文字号's agency code: `{prefix}〔2026〕3号` (a branch adds its site code:
 * `{prefix}SH01〔2026〕3号`).
 */
bulletin_prefix: string, 
/**
 * Company logo (PNG or JPEG, base64), shown in notices' running head.
 */
logo: string | null, 
/**
 * The seal (PNG with transparency, base64), laid under the signature.
 */
seal: string | null, };

export type Complexity = "simple" | "complex";

export type ComplianceFinding = { rule: ComplianceRule, case_id: string, case_no: string, received_at: string, status: string, department_id: string | null, department: string | null, handler_id: string | null, handler: string | null, 
/**
 * The fact behind the finding: the amount offered (fen), the moved deadline, the closing
 * time, the missed deadline, the severity, or the times reopened.
 */
detail: string | null, };

export type ComplianceGroup = { rule: ComplianceRule, 
/**
 * The department's or handler's id (none: cases without one).
 */
key: string | null, name: string | null, count: number, 
/**
 * The cases, for the ledger (`case_ids`), at most 5,000.
 */
case_ids: Array<string>, };

export type ComplianceRequest = { 
/**
 * Cases of this department (or store) only.
 */
department_id?: string, 
/**
 * Cases of this handler only.
 */
handler_id?: string, 
/**
 * These rules only (default: all).
 */
rules?: Array<ComplianceRule>, };

export type ComplianceResponse = { 
/**
 * When the checks ran.
 */
checked_at: string, 
/**
 * Findings per rule, every rule listed (0 when none).
 */
rules: Array<ComplianceGroup>, by_department: Array<ComplianceGroup>, by_handler: Array<ComplianceGroup>, 
/**
 * Every finding, by rule and case number.
 */
findings: Array<ComplianceFinding>, };

export type ComplianceRule = "compensation_without_evidence" | "deadline_moved_uninformed" | "closed_without_feedback" | "overdue_without_reason" | "major_without_team" | "reopened_closed_without_new_plan";

export type ConsumerAnonymiseRequest = { 
/**
 * A case of the consumer.
 */
case_id: string, 
/**
 * The request: who asked, when, how (kept in the log).
 */
note: string, };

export type ConsumerCase = { id: string, case_no: string, received_at: string, status: CaseStatus, product_name: string, category: string, result: string | null, };

export type ConsumerContact = { name: string, mobile: string | null, landline: string | null, email: string | null, address: string | null, };

export type ConsumerExportRequest = { case_id: string, 
/**
 * The .json file to write.
 */
path: string, 
/**
 * The request (who asked, when, how).
 */
note: string, };

export type ConsumerExportResult = { path: string, cases: number, };

export type ConsumerMergeRequest = { 
/**
 * A case of the consumer record that stays.
 */
case_id: string, 
/**
 * A case (id or number) of the duplicate record: all its cases move to the one that stays.
 */
duplicate_case: string, note?: string, };

export type ConsumerRequest = { 
/**
 * A case of the consumer (the way a person reaches a consumer's record).
 */
case_id: string, };

export type ConsumerUpdateRequest = { case_id: string, 
/**
 * The whole contact as it should stand.
 */
contact: ConsumerContact, 
/**
 * Why (e.g. 消费者来电更正手机号).
 */
note?: string, };

export type ConsumerView = { id: string, 
/**
 * In full, or masked for a person who may not see it on this case.
 */
contact: ConsumerContact, masked: boolean, 
/**
 * Every case of this consumer the person may see, newest first (the asked-for one too).
 */
cases: Array<ConsumerCase>, 
/**
 * Cases of this consumer outside what the person may see.
 */
hidden: number, 
/**
 * Records merged into this one.
 */
merged: number, };

export type ContactMethod = "phone" | "sms" | "in_person" | "online" | "email" | "letter";

export type ContingencyApproveRequest = { id: string, version: number, 
/**
 * `YYYY-MM-DD`, today or later.
 */
effective_from: string, };

export type ContingencyContent = { 
/**
 * 适用范围 and the conditions that start it.
 */
scope: string, 
/**
 * 组织机构 and 职责分工.
 */
organisation: Array<ContingencyRole>, 
/**
 * 处理流程.
 */
steps: Array<ContingencyStep>, 
/**
 * 沟通协调机制.
 */
communication: string, 
/**
 * 信息报告.
 */
reporting: Array<ContingencyReporting>, };

export type ContingencyListRequest = Record<symbol, never>;

export type ContingencyReporting = { 
/**
 * 上级主管部门, 市场监督管理局, 消费者协会…
 */
authority: string, within_hours: number, 
/**
 * What the report must contain.
 */
content: string, };

export type ContingencyRequest = { id: string, 
/**
 * For `contingency.pdf`: the version printed (default: the one in force, else the latest).
 */
version?: number, };

export type ContingencyRole = { 
/**
 * 总指挥, 副总指挥, 联络员…
 */
role: string, name: string, phone: string, deputy: string, deputy_phone: string, 
/**
 * 职责分工.
 */
duties: string, };

export type ContingencySaveRequest = { 
/**
 * None: a new plan.
 */
id?: string, kind: EmergencyKind, title: string, content: ContingencyContent, 
/**
 * What this version changes (required from the second version on).
 */
change_note: string, source?: ContingencySource, };

export type ContingencySource = { kind: ContingencySourceKind, id: string, 
/**
 * `2026-11-20 演练：…` or the incident's number, as people read it.
 */
label?: string, };

export type ContingencySourceKind = "drill" | "incident";

export type ContingencyStep = { title: string, 
/**
 * The role of the command group that carries it out.
 */
role: string, 
/**
 * Hours from the plan's activation by which it should be done.
 */
within_hours: number | null, };

export type ContingencySummary = { id: string, kind: EmergencyKind, title: string, 
/**
 * The version in force today, if one is.
 */
in_force: number | null, effective_from: string | null, latest_version: number, latest_status: VersionStatus, drills: number, last_drill: string | null, };

export type ContingencyVersionView = { version: number, status: VersionStatus, title: string, content: ContingencyContent, change_note: string, source: ContingencySource | null, drafted_by: string, drafted_at: string, approved_by: string | null, approved_at: string | null, effective_from: string | null, 
/**
 * The version in force today.
 */
in_force: boolean, };

export type ContingencyView = { id: string, kind: EmergencyKind, title: string, 
/**
 * Newest first.
 */
versions: Array<ContingencyVersionView>, drills: Array<DrillView>, };

export type Created = { id: string, };

export type CrossLine = { key: string | null, name: string | null, 
/**
 * The ledger filter of the period's cases with this value; a cell's cases are those of
 * its row's filter and its column's together.
 */
cases: Record<string, unknown>, };

export type CrossTab = { rows_by: StatsDimension, columns_by: StatsDimension, rows: Array<CrossLine>, columns: Array<CrossLine>, 
/**
 * `cells[r][c]`: cases of row `r` and column `c` in the period.
 */
cells: Array<Array<number>>, row_totals: Array<number>, column_totals: Array<number>, };

export type DayKind = "holiday" | "workday" | "ordinary";

export type DeadlineRule = { channel?: string, severity?: Severity, 
/**
 * Days to tell the consumer the complaint was received (0: the same day).
 */
acknowledge_working_days: number, 
/**
 * Days to resolve a complex case.
 */
resolve_working_days: number, };

export type Demand = "refund" | "exchange" | "repair" | "compensation" | "apology" | "other";

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

export type DocumentPlaceholders = { acknowledgment: Array<string>, progress: Array<string>, result: Array<string>, settlement: Array<string>, bulletin: Array<string>, };

export type DocumentSettings = { profile: CompanyProfile, templates: Templates, 
/**
 * The wording Redress ships, to restore a template from.
 */
defaults: Templates, 
/**
 * The placeholders each document's wording may use.
 */
placeholders: DocumentPlaceholders, };

export type DocumentSettingsRequest = Record<symbol, never>;

export type DocumentSettingsSave = { profile: CompanyProfile, templates: Templates, };

export type DrillRecordRequest = { plan_id: string, 
/**
 * Default: the version in force on the day of the drill.
 */
plan_version?: number, held_on: string, scenario: string, participants: Array<string>, duration_minutes: number, 
/**
 * 演练中发现的问题.
 */
problems: string, 
/**
 * 决定的修订.
 */
revisions: string, };

export type DrillView = { id: string, plan_id: string, plan_title: string, plan_version: number, held_on: string, scenario: string, participants: Array<string>, duration_minutes: number, problems: string, revisions: string, 
/**
 * The plan versions drafted from this drill's findings.
 */
revised_versions: Array<number>, recorded_by: string, recorded_at: string, };

export type DrillsListRequest = { plan_id?: string, };

export type EmergencyKind = "product_safety" | "mass_refund" | "store_closure" | "data_leak" | "media_crisis" | "other";

export type Encoding = "auto" | "utf8" | "gb18030";

export type EvidenceAddRequest = { case_id: string, files: Array<EvidenceFile>, 
/**
 * Where the files came from (the consumer, a department, a laboratory).
 */
source: string, 
/**
 * Who collected them; default: the person attaching.
 */
collected_by?: string, 
/**
 * `YYYY-MM-DD`, not in the future; default: today.
 */
collected_at?: string, };

export type EvidenceAttached = { items: Array<EvidenceView>, 
/**
 * Files whose content the store already held (kept once).
 */
already_stored: number, };

export type EvidenceEntry = { sha256: string, size: number, };

export type EvidenceExport = { out_dir: string, files: number, bytes: number, };

export type EvidenceExportRequest = { case_id: string, 
/**
 * A folder that does not exist yet, or an empty one.
 */
out_dir: string, };

export type EvidenceFile = { 
/**
 * The file's path on this computer (from the file dialog or the command line).
 */
path: string, kind: EvidenceKind, description: string, };

export type EvidenceKind = "receipt" | "contract" | "test_report" | "chat_log" | "audio" | "video" | "photo" | "other";

export type EvidenceListRequest = { 
/**
 * One case's evidence; without it, every case's the actor may see.
 */
case_id?: string, };

export type EvidenceOpenRequest = { id: string, };

export type EvidenceOpened = { evidence: EvidenceView, 
/**
 * Where the stored file is, to show it (read-only).
 */
path: string, };

export type EvidenceProblem = { evidence: EvidenceView, 
/**
 * `changed` or `missing`.
 */
problem: string, };

export type EvidenceReport = { checked: number, intact: number, problems: Array<EvidenceProblem>, };

export type EvidenceVerifyRequest = { 
/**
 * One case; without it every stored file (needs `audit.verify`).
 */
case_id?: string, };

export type EvidenceView = { id: string, case_id: string, sha256: string, size: number, file_name: string, mime: string, kind: EvidenceKind, description: string, source: string, collected_by: string, collected_at: string, added_by: string, added_at: string, 
/**
 * Another evidence entry (of any case) holds the same content.
 */
duplicate: boolean, };

export type ExportFormat = "xlsx" | "csv";

export type ExportRequest = { 
/**
 * The file to write; its extension (.xlsx or .csv) chooses the format.
 */
path: string, 
/**
 * The ledger's filters and order (its paging is ignored: every matching case is written).
 */
filter: CasesListRequest, 
/**
 * The columns, in order (default: all).
 */
columns?: Array<LedgerColumn>, 
/**
 * The language of headers and labels (default Chinese).
 */
lang?: Lang, 
/**
 * Names the job for `jobs.status` and `jobs.cancel`.
 */
job_id?: string, };

export type ExportResult = { path: string, format: ExportFormat, rows: number, 
/**
 * Stopped by a cancel: the partial file was removed.
 */
cancelled: boolean, 
/**
 * Consumers' names are masked in the file.
 */
masked: boolean, };

export type FeedbackRequest = { id: string, communicated_by: ContactMethod, satisfaction: Satisfaction, 
/**
 * 1–5.
 */
score: number, 
/**
 * Required when the consumer is not satisfied: their reasons, for the new plan.
 */
comments?: string, };

export type FeedbackView = { communicated_by: ContactMethod, satisfaction: Satisfaction, score: number, comments: string | null, recorded_at: string, };

export type FieldError = { field: string, code: string, message: string, };

export type FieldSource = { 
/**
 * The column (its header text).
 */
column?: string, 
/**
 * Several columns, their non-empty values joined (by `join`, default a newline).
 */
columns?: Array<string>, join?: string, 
/**
 * A fixed value for every row (instead of a column).
 */
value?: string, 
/**
 * The file's values and what they mean (`"电话" = "hotline"`); compared ignoring case
 * and surrounding spaces.
 */
values: { [key in string]: string }, 
/**
 * What an empty cell, or a value not in `values`, becomes. Without it such a row is
 * rejected (for coded fields) or the field left empty.
 */
default?: string, };

export type Figure = { count: number, previous: number, last_year: number, 
/**
 * 环比: change against the period before, in per cent (none when that was zero).
 */
change_previous: number | null, 
/**
 * 同比: change against the same period a year earlier, in per cent.
 */
change_last_year: number | null, };

export type GeneratedPdf = { 
/**
 * A file name to suggest when saving: `受理回执-TS202611280001.pdf`.
 */
file_name: string, title: string, pages: number, size: number, 
/**
 * The PDF, base64.
 */
data: string, };

export type HandlerView = { id: string, display_name: string, unit_id: string | null, unit_name: string | null, };

export type HandlersListRequest = Record<symbol, never>;

export type HandlingRequest = { id: string, };

export type HandlingView = { id: string, status: CaseStatus, 
/**
 * Moves the workflow allows from here (the operations still check their own conditions).
 */
moves: Array<Move>, reopen_count: number, typical: boolean, team: Array<TeamMemberView>, notes: Array<NoteView>, 
/**
 * Every version, newest first.
 */
plans: Array<PlanView>, steps: Array<StepView>, rounds: Array<RoundView>, feedback: Array<FeedbackView>, approval_threshold_fen: number, };

export type HandoverDecision = { id: string, 
/**
 * Why (required to decline; optional to grant).
 */
note?: string, };

export type HandoverRequest = { id: string, 
/**
 * The target site's id (from `sites.list`).
 */
to_site: string, reason: string, };

export type HandoverRow = { case_id: string, case_no: string, from_label: string, to_label: string, reason: string, };

export type HeldReviewRequest = { id: string, event_id: string, note?: string, };

export type HeldRow = { case_id: string, case_no: string, event_id: string, kind: string, 
/**
 * The site that wrote it (`SH01 上海分公司`, or its id when the hub never listed it).
 */
site_label: string, 
/**
 * `not_owner` or `no_request`.
 */
reason: string, recorded_at: string, };

export type HistoryPoint = { label: string, count: number, };

export type Hotspot = { dimension: StatsDimension, key: string | null, 
/**
 * An org unit's name.
 */
name: string | null, 
/**
 * Cases received in the period.
 */
observed: number, 
/**
 * The mean per period of the history (at least `MIN_EXPECTED`), two decimals.
 */
expected: number, 
/**
 * observed ÷ expected, two decimals.
 */
ratio: number, 
/**
 * P(X ≥ observed) for X ~ Poisson(expected).
 */
p_value: number, 
/**
 * The threshold it was tested against: `ALPHA` ÷ the values tested in its dimension.
 */
threshold: number, 
/**
 * The periods the expectation came from, oldest first.
 */
history: Array<HistoryPoint>, 
/**
 * The ledger filter of its cases in the period.
 */
cases: Record<string, unknown>, };

export type HotspotMethod = { alpha: number, min_count: number, min_ratio: number, min_expected: number, min_history: number, };

export type HotspotsRequest = { 
/**
 * `2026-10`, `2026-Q3` or `2026`.
 */
period: string, 
/**
 * The dimensions tested (default: category, product, store, department, channel, root
 * cause).
 */
dimensions?: Array<StatsDimension>, };

export type HotspotsResponse = { period: Period, label: string, 
/**
 * The periods of history used (as many as there is data for, up to 12 months, 8
 * quarters or 5 years).
 */
history: Array<Period>, method: HotspotMethod, 
/**
 * Values tested per dimension.
 */
tested: Array<[StatsDimension, number]>, 
/**
 * The hotspots, the most significant first.
 */
items: Array<Hotspot>, };

export type ImportBatchView = { id: string, source: string, file_name: string, rows: number, started_at: string, started_by: string, 
/**
 * `running` (or interrupted: no process finished it), `done`, `cancelled`.
 */
status: string, finished_at: string | null, 
/**
 * Cases of this batch in the ledger now (for an interrupted batch: its committed rows).
 */
cases: number, duplicates: number, rejected: number, };

export type ImportBatchesRequest = Record<symbol, never>;

export type ImportField = "received_at" | "channel" | "product_name" | "product_model" | "content" | "category" | "severity" | "demand" | "demand_amount" | "amount_paid" | "order_no" | "purchased_at" | "department" | "store" | "consumer_name" | "consumer_mobile" | "consumer_address" | "status" | "result" | "satisfaction" | "closed_at" | "handler";

export type ImportInspectRequest = { path: string, encoding?: Encoding, sheet?: string, };

export type ImportInspection = { file_name: string, 
/**
 * How the file was read: `utf-8`, `gb18030`, `utf-16`, `xlsx`, `xls`.
 */
encoding: string, sheets: Array<string>, headers: Array<string>, 
/**
 * The first rows as they are in the file.
 */
sample: Array<Array<string>>, rows: number, 
/**
 * A saved mapping whose columns all exist in this file, else a guess from the headers.
 */
mapping: ImportMapping, 
/**
 * The mapping came from the saved one of this source.
 */
saved: string | null, };

export type ImportMapping = { 
/**
 * Where the file comes from (e.g. `cfpb`, `excel-2024`): rows are recognised as already
 * imported within the same source.
 */
source: string, encoding: Encoding, 
/**
 * The workbook's sheet (default: the first).
 */
sheet?: string, 
/**
 * Date formats tried in order (chrono `strftime` syntax), before the built-in ones.
 */
date_formats?: Array<string>, 
/**
 * The columns that identify a row in its source. Without them a row is identified by a
 * fingerprint of all its cells.
 */
external_id?: Array<string>, fields: { [key in ImportField]?: FieldSource }, };

export type ImportMappingSaveRequest = { mapping: ImportMapping, };

export type ImportMappingsRequest = Record<symbol, never>;

export type ImportPreview = { 
/**
 * What importing the whole file would do (nothing was written).
 */
report: ImportReport, 
/**
 * The first rows converted, with their problems.
 */
rows: Array<PreviewRow>, };

export type ImportPreviewRequest = { path: string, mapping: ImportMapping, };

export type ImportReport = { 
/**
 * Set when cases were written: the batch to find them by (`cases.list` `import_batch`).
 */
batch_id: string | null, file_name: string, encoding: string, 
/**
 * Records in the file (header excluded).
 */
rows: number, imported: number, 
/**
 * Rows already imported from this source, or repeated in the file.
 */
duplicates: number, 
/**
 * Every problem of every rejected row.
 */
rejected: Array<RowProblem>, rejected_rows: number, 
/**
 * Stopped by a cancel: only the batches committed before it are in.
 */
cancelled: boolean, 
/**
 * The rows that went in, as ranges of row numbers `[first, last]`.
 */
imported_rows: Array<[number, number]>, dry_run: boolean, };

export type ImportRunRequest = { path: string, mapping: ImportMapping, 
/**
 * Check every row and report, writing nothing.
 */
dry_run: boolean, 
/**
 * Names the job for `jobs.status` and `jobs.cancel`.
 */
job_id?: string, };

export type IncidentActivateRequest = { id: string, plan_id: string, };

export type IncidentAssessRequest = { id: string, measure_id: string, effect: string, };

export type IncidentCaseRow = { 
/**
 * Linked as it arrived, by the incident's watch.
 */
auto: boolean, id: string, case_no: string, received_at: string, status: string, store: string | null, product: string | null, category: string, };

export type IncidentDeclareRequest = { title: string, kind: EmergencyKind, level: IncidentLevel, summary: string, 
/**
 * New cases with this value are linked as they arrive.
 */
watch?: IncidentWatch, 
/**
 * The early-warning alert it is declared from.
 */
origin?: AlertEvidence, case_ids: Array<string>, };

export type IncidentLevel = "major" | "mass";

export type IncidentLinkRequest = { id: string, case_ids: Array<string>, 
/**
 * Cases by their numbers (`2026-HQ-001001`), as people paste them.
 */
case_nos: Array<string>, 
/**
 * Every case the incident's watch matches received on or after this day (`YYYY-MM-DD`):
 * the earlier complaints that turn out to belong to it.
 */
watched_since?: string, };

export type IncidentLive = { cases: number, open_cases: number, new_24h: number, stores: Array<NamedCount>, products: Array<NamedCount>, steps_done: number, steps_total: number, reports_made: number, reports_overdue: number, };

export type IncidentLogEntry = { at: string, actor: string, 
/**
 * The event's kind: `incident.declared`, `incident.reported`…
 */
kind: string, detail: JsonValue, };

export type IncidentMeasureRequest = { id: string, measure: string, effect?: string, taken_at?: string, };

export type IncidentMeasureView = { id: string, taken_at: string, taken_by: string, measure: string, effect: string | null, effect_at: string | null, };

export type IncidentReplyRequest = { id: string, report_id: string, reply: string, replied_at?: string, };

export type IncidentReportRequest = { id: string, 
/**
 * A report the plan requires (its row); none for any other authority.
 */
report_id?: string, authority: string, 
/**
 * 电话, 书面, 平台报送, 当面…
 */
channel: string, content: string, 
/**
 * Default: now.
 */
reported_at?: string, };

export type IncidentReportView = { id: string, authority: string, due_at: string | null, reported_at: string | null, reported_by: string | null, channel: string, content: string, reply: string | null, replied_at: string | null, 
/**
 * Due and not made, or made after it was due.
 */
overdue: boolean, };

export type IncidentRequest = { id: string, };

export type IncidentReview = { 
/**
 * 事件发生的原因.
 */
causes: string, 
/**
 * 处理过程中存在的问题.
 */
problems: string, 
/**
 * 有效做法.
 */
worked: string, 
/**
 * 经验教训.
 */
lessons: string, 
/**
 * 预案完善建议 (§六(三)2).
 */
plan_revisions: string, };

export type IncidentReviewRequest = { id: string, review: IncidentReview, };

export type IncidentStatus = "open" | "closed";

export type IncidentStepRequest = { id: string, seq: number, action: StepAction, owner?: string, note?: string, };

export type IncidentStepView = { seq: number, title: string, role: string, owner: string, due_at: string | null, started_at: string | null, done_at: string | null, note: string, overdue: boolean, };

export type IncidentSummary = { id: string, incident_no: string, title: string, kind: EmergencyKind, level: IncidentLevel, status: IncidentStatus, declared_at: string, closed_at: string | null, cases: number, new_24h: number, steps_done: number, steps_total: number, reports_overdue: number, reviewed: boolean, };

export type IncidentView = { id: string, incident_no: string, title: string, kind: EmergencyKind, level: IncidentLevel, summary: string, status: IncidentStatus, watch: IncidentWatch | null, origin: AlertEvidence | null, declared_at: string, declared_by: string, plan_id: string | null, plan_title: string | null, plan_version: number | null, activated_at: string | null, steps: Array<IncidentStepView>, reports: Array<IncidentReportView>, measures: Array<IncidentMeasureView>, review: IncidentReview | null, reviewed_at: string | null, reviewed_by: string | null, revised_plans: Array<RevisedPlanVersion>, closed_at: string | null, closed_by: string | null, live: IncidentLive, 
/**
 * Newest first, at most 500 (`live.cases` counts them all).
 */
cases: Array<IncidentCaseRow>, 
/**
 * Oldest first.
 */
timeline: Array<IncidentLogEntry>, };

export type IncidentWatch = { dimension: WatchDimension, value: string, label: string, };

export type IncidentsListRequest = { status?: IncidentStatus, };

export type InspectionAspect = "intake" | "process" | "satisfaction";

export type InspectionCheckRequest = { id: string, case_id: string, verdict: SampleVerdict, 
/**
 * What was found (required when the verdict is `issue`).
 */
note: string, };

export type InspectionFindingsRequest = { id: string, findings: string, };

export type InspectionOpenRequest = { title: string, 
/**
 * The day of the inspection (`YYYY-MM-DD`, not in the future).
 */
held_on: string, 
/**
 * The department, branch or store inspected (none: the whole company).
 */
unit_id?: string, 
/**
 * A case status (stage) to inspect; none: every stage.
 */
stage?: CaseStatus, scope: Array<InspectionAspect>, 
/**
 * Cases received from … to … (China-time days).
 */
period_from: string, period_to: string, 
/**
 * How many cases to draw (1–200; fewer when the population is smaller).
 */
sample_size: number, 
/**
 * 16 hex digits; none: a fresh random seed (kept, so the draw can be repeated).
 */
seed?: string, };

export type InspectionRequest = { id: string, };

export type InspectionSummary = { id: string, title: string, held_on: string, inspector: string, unit_id: string | null, unit: string | null, stage: string | null, scope: Array<InspectionAspect>, period_from: string, period_to: string, population: number, sample_size: number, seed: string, status: string, 
/**
 * Sampled cases found wanting, and those not yet looked at.
 */
issues: number, pending: number, rectifications: number, rectifications_open: number, 
/**
 * Open items past their deadline.
 */
rectifications_overdue: number, };

export type InspectionView = { summary: InspectionSummary, findings: string, cases: Array<SampledCase>, rectifications: Array<RectificationView>, };

export type InspectionsListRequest = { 
/**
 * `open` or `closed` (default: both).
 */
status?: string, };

export type IntakeRequest = { consumer: ConsumerContact, 
/**
 * A code of the channel list (`codes.list`), e.g. `hotline`.
 */
channel: string, 
/**
 * The store or branch involved: its id or its code (`ST-SH-XH`).
 */
store_id?: string, product_name: string, product_model?: string, quantity: number, 
/**
 * Yuan with at most two decimals, e.g. `"2399.00"`.
 */
amount_paid?: string, order_no?: string, 
/**
 * `YYYY-MM-DD` (or an RFC 3339 instant); not in the future.
 */
purchased_at?: string, content: string, demand: Demand, 
/**
 * For a compensation or refund demand: the amount asked, in yuan.
 */
demand_amount?: string, 
/**
 * A code of the category list (`codes.list`), e.g. `product_quality`.
 */
category: string, 
/**
 * The department or stage involved: its id or its code (`DEP-AS`).
 */
department_id?: string, severity: Severity, complexity: Complexity, 
/**
 * Required for a simple case: it is settled and closed in the same sitting.
 */
on_the_spot?: OnTheSpot, 
/**
 * For a complex case: the handler it is transferred to, by account id or user name (else
 * the department's queue).
 */
handler_id?: string, 
/**
 * For a complex case: the date the consumer is told (`YYYY-MM-DD`); default: the deadline.
 */
expected_resolution?: string, 
/**
 * The consumer was told at once that the complaint is accepted (on the phone, at the
 * counter). Otherwise the acknowledgment deadline runs until `cases.acknowledge`.
 */
acknowledged: boolean, 
/**
 * Earlier cases about the same matter, to link the new one to (ids or case numbers).
 */
related_case_ids: Array<string>, 
/**
 * An earlier case this complaint merely repeats: the new case is recorded, then merged
 * into it (it stays readable and points to the earlier case).
 */
duplicate_of?: string, };

export type IntakeResponse = { id: string, case_no: string, status: CaseStatus, due_at: string, ack_due_at: string | null, expected_resolution: string | null, 
/**
 * Set when the complaint was merged into an earlier case: that case's number.
 */
merged_into: string | null, };

export type InvestigateRequest = { id: string, fact: string, source_kind: SourceKind, source: string, 
/**
 * `YYYY-MM-DD`, not in the future.
 */
found_on: string, };

export type JobProgress = { done: number, total: number, 
/**
 * A cancel was asked for; the job stops at its next safe point.
 */
cancelling: boolean, };

export type JobRequest = { job_id: string, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type KpiCode = "complaint_rate" | "on_time_rate" | "satisfaction_rate" | "mean_score" | "first_contact_rate" | "mean_handling_days" | "median_handling_days" | "reopen_rate" | "overdue";

export type KpiGroupBy = "company" | "branch" | "department" | "store" | "handler";

export type KpiLine = { 
/**
 * The unit's or handler's id; none for the whole scope, or for cases without one.
 */
key: string | null, name: string | null, 
/**
 * Disputes received in the period.
 */
received: number, 
/**
 * Cases closed in the period.
 */
closed: number, 
/**
 * Orders in the period (none when a month has none recorded).
 */
orders: number | null, values: Array<KpiValue>, };

export type KpiRating = "green" | "amber" | "red";

export type KpiRequest = { 
/**
 * `2026-10`, `2026-Q3` or `2026`.
 */
period: string, 
/**
 * The lines wanted (default: the company alone).
 */
by?: KpiGroupBy, };

export type KpiResponse = { period: Period, label: string, by: KpiGroupBy, 
/**
 * Everything in the actor's scope.
 */
total: KpiLine, 
/**
 * One per branch, department, store or handler (none for `company`), the largest first.
 */
lines: Array<KpiLine>, };

export type KpiTargetRow = { 
/**
 * The unit or, when `staff`, the staff member's account.
 */
unit_id: string | null, 
/**
 * The target is a staff member's.
 */
staff: boolean, unit_name: string | null, period: string, kpi: KpiCode, goal: number, limit: number, updated_by: string, };

export type KpiTargetSetRequest = { 
/**
 * The unit (a branch, department or store) or a staff member's account; none: the
 * company.
 */
unit_id?: string, 
/**
 * `2026`, `2026-Q3` or `2026-10`.
 */
period: string, kpi: KpiCode, 
/**
 * The goal (green when met) and the limit (red when worse); both none: remove the target.
 */
goal?: number, limit?: number, };

export type KpiTargetView = { 
/**
 * The unit (none: the company).
 */
unit_id: string | null, 
/**
 * The period the target was set for (the KPI's own, its quarter or its year).
 */
period: string, kpi: KpiCode, goal: number, limit: number, };

export type KpiTargetsRequest = { 
/**
 * Targets for this period and those it falls in (its quarter, its year); none: every one.
 */
period?: string, };

export type KpiValue = { kpi: KpiCode, 
/**
 * None when there is nothing to measure (no case closed, no business volume…).
 */
value: number | null, 
/**
 * Cases counted (for a mean: the working days summed).
 */
numerator: number | null, 
/**
 * What they are counted against (cases, orders).
 */
denominator: number | null, target: KpiTargetView | null, rating: KpiRating | null, 
/**
 * The ledger filter of the cases counted.
 */
cases: Record<string, unknown> | null, 
/**
 * The ledger filter of the cases counted against (for a rate of cases).
 */
base: Record<string, unknown> | null, };

export type Lang = "zh-CN" | "en";

export type LedgerColumn = "case_no" | "received_at" | "channel" | "consumer" | "product" | "category" | "severity" | "department" | "store" | "status" | "handler" | "due_at" | "overdue" | "satisfaction" | "result";

export type LegalHoldRequest = { id: string, 
/**
 * The reason (litigation, a regulator's inquiry); none or empty: lift the hold.
 */
reason?: string, };

export type LegalHoldState = { id: string, legal_hold: string | null, };

export type LinkKind = "related" | "merged_into" | "merged_from";

export type LinkedCase = { id: string, case_no: string, kind: LinkKind, note: string | null, status: CaseStatus, received_at: string, product_name: string, };

export type Manifest = { format: number, 
/**
 * The app that made it.
 */
app_version: string, 
/**
 * The database's schema version (`PRAGMA user_version`).
 */
schema_version: number, site_id: string, site_code: string, site_name: string, 
/**
 * When it was made (RFC 3339, UTC).
 */
created_at: string, database_sha256: string, database_bytes: number, cases: number, events: number, 
/**
 * Every file of the evidence store (attachments, issued documents' PDFs), by hash.
 */
evidence: Array<EvidenceEntry>, 
/**
 * Files of the evidence store that did not re-hash to their name when the backup was
 * made (damaged at this site): not copied, listed so someone looks.
 */
evidence_damaged: Array<string>, };

export type Masking = { names: boolean, phones: boolean, addresses: boolean, id_numbers: boolean, };

export type MeasureInput = { kind: MeasureKind, description: string, 
/**
 * Yuan, two decimals at most: required for a refund or compensation.
 */
amount?: string, 
/**
 * The person responsible: account id or user name.
 */
responsible_id: string, steps: Array<StepInput>, };

export type MeasureKind = "return" | "exchange" | "repair" | "refund" | "compensation" | "apology" | "service_improvement" | "other";

export type MeasureView = { kind: MeasureKind, description: string, amount_fen: number | null, responsible_id: string, responsible_name: string, steps: Array<PlanStepView>, };

export type Move = "start_investigation" | "start_planning" | "offer" | "accept" | "reject" | "finish_execution" | "reopen" | "close" | "withdraw";

export type Moved = { id: string, status: CaseStatus, };

export type NamedCount = { name: string, count: number, };

export type NegotiateRequest = { case_id: string, 
/**
 * `YYYY-MM-DD`, not in the future.
 */
held_on: string, method: ContactMethod, response: OfferResponse, 
/**
 * Required for a counter-proposal: what the consumer asks instead.
 */
counter?: string, notes?: string, };

export type NoteView = { id: string, fact: string, source_kind: SourceKind, source: string, found_on: string, author: string, recorded_at: string, };

export type NoticeKind = "acknowledgment" | "progress" | "result" | "settlement";

export type NoticeRequest = { 
/**
 * The case's id or number.
 */
case: string, kind: NoticeKind, };

export type NoticeWording = { title: string, 
/**
 * The salutation line.
 */
salutation: string, 
/**
 * Paragraphs, one per line.
 */
body: string, 
/**
 * The paragraph after the particulars table.
 */
closing: string, };

export type OfferResponse = "accepted" | "rejected" | "counter";

export type OnTheSpot = { answer: string, consumer_response: string, satisfaction: Satisfaction, };

export type OrgCreateRequest = { code: string, name: string, kind: OrgUnitKind, parent_id: string | null, city: string | null, };

export type OrgListRequest = Record<symbol, never>;

export type OrgUnitKind = "company" | "subsidiary" | "branch" | "department" | "store";

export type OrgUnitView = { id: string, code: string, name: string, kind: OrgUnitKind, parent_id: string | null, city: string | null, };

export type OrgUpdateRequest = { id: string, name?: string, parent_id?: string, city?: string, };

export type OwnershipReview = { is_hq: boolean, 
/**
 * Hand-overs waiting for headquarters (all of them at headquarters; this site's own
 * requests elsewhere).
 */
handovers: Array<HandoverRow>, 
/**
 * Held entries of cases this site owns, not yet reviewed.
 */
held: Array<HeldRow>, };

export type PasswordChangeRequest = { current_password: string, new_password: string, };

export type PasswordChanged = { changed_at: string, };

export type PasswordResetRequest = { id: string, 
/**
 * A temporary password, to be changed at the next sign-in.
 */
new_password: string, };

export type PendingHandover = { site_id: string, 
/**
 * The target for people: `SH01 上海分公司`.
 */
label: string, reason: string, };

export type Period = { from: string, to: string, };

export type Permission = "case.view" | "case.contact" | "case.intake" | "case.handle" | "compensation.approve" | "data.export" | "taxonomy.edit" | "template.edit" | "account.manage" | "org.edit" | "role.edit" | "audit.verify" | "demo.generate" | "bulletin.issue" | "data.import" | "kpi.manage" | "emergency.manage" | "emergency.approve" | "supervision.manage" | "sanction.approve" | "privacy.manage" | "standard.manage" | "standard.approve";

export type PlanDecideRequest = { plan_id: string, approved: boolean, 
/**
 * Required when refusing: what to change.
 */
note?: string, };

export type PlanDraftRequest = { case_id: string, summary: string, measures: Array<MeasureInput>, };

export type PlanDrafted = { id: string, version: number, status: PlanStatus, money_fen: number, };

export type PlanOfferRequest = { plan_id: string, };

export type PlanStatus = "draft" | "pending_approval" | "declined" | "offered" | "accepted" | "rejected" | "superseded";

export type PlanStepView = { step_id: string, title: string, due_on: string, };

export type PlanView = { id: string, version: number, summary: string, measures: Array<MeasureView>, money_fen: number, needs_approval: boolean, status: PlanStatus, decided_by: string | null, decision_note: string | null, author: string, drafted_at: string, };

export type PreferenceGetRequest = { key: string, };

export type PreferenceSaveRequest = { key: string, value: JsonValue, };

export type PreviewRow = { row: number, 
/**
 * Field code → the value as it will be stored (codes, dates in China time).
 */
values: { [key in string]: string }, problems: Array<RowProblem>, duplicate: boolean, };

export type PrivacyLogRequest = { consumer_id?: string, 
/**
 * Rows (default 200, at most 1,000), newest first.
 */
limit?: number, };

export type PrivacyLogRow = { event_id: string, 
/**
 * `anonymised` or `exported`.
 */
action: string, basis: string, consumer_id: string, case_no: string | null, note: string, actor: string, at: string, };

export type PrivacySettings = { 
/**
 * Months after the last case closed (0: the rule is off; else 6–240).
 */
retention_months: number, };

export type PrivacySettingsRequest = Record<symbol, never>;

export type RectificationAddRequest = { id: string, item: string, 
/**
 * The account responsible.
 */
owner_id: string, due_on: string, };

export type RectificationDoneRequest = { rectification_id: string, 
/**
 * Default: today.
 */
done_on?: string, 
/**
 * What was done.
 */
note: string, };

export type RectificationView = { id: string, item: string, owner_id: string, owner: string, due_on: string, done_on: string | null, done_note: string | null, overdue: boolean, };

export type RelatedCases = { 
/**
 * Every earlier case of the consumer with this mobile number, all time.
 */
consumer_case_count: number, 
/**
 * Cases in the window with the same mobile number or the same order number, newest first.
 */
items: Array<CaseRow>, };

export type RelatedCasesRequest = { 
/**
 * A mobile number as typed (spaces, dashes and +86 are ignored).
 */
mobile?: string, order_no?: string, 
/**
 * How far back to look, in days (1–3650; default 90).
 */
days?: number, };

export type ReplacedDatabase = { path: string, name: string, bytes: number, };

export type ReportDraftRequest = { 
/**
 * `2026-10`, `2026-Q3` or `2026`.
 */
period: string, };

export type ReportRequest = { id: string, };

export type ReportSaveRequest = { id: string, title: string, conclusions: string, proposals: string, };

export type ReportStatus = "draft" | "issued";

export type ReportView = { id: string, period: string, status: ReportStatus, title: string, conclusions: string, proposals: string, doc_no: string | null, issued_on: string | null, issued_by: string | null, pages: number | null, author: string, created_at: string, updated_at: string, };

export type ReportsListRequest = Record<symbol, never>;

export type Restored = { checked: BackupChecked, 
/**
 * Where the database that was replaced now is (kept until discarded).
 */
replaced_kept_at: string | null, 
/**
 * Evidence files the store lacked and took from the backup.
 */
evidence_added: number, };

export type RetentionItem = { consumer_id: string, case_ids: Array<string>, case_nos: Array<string>, 
/**
 * When their last case closed.
 */
last_closed_at: string, 
/**
 * Under legal hold: kept.
 */
held: boolean, };

export type RetentionReport = { retention_months: number, 
/**
 * Consumers whose last case closed before this moment are due.
 */
cutoff: string | null, dry_run: boolean, 
/**
 * Due (anonymised unless a dry run), and held back by a legal hold.
 */
due: Array<RetentionItem>, held: Array<RetentionItem>, 
/**
 * Consumers anonymised by this run.
 */
anonymised: number, 
/**
 * Their cases.
 */
cases: number, };

export type RetentionRunRequest = { 
/**
 * List what would be anonymised, change nothing.
 */
dry_run: boolean, };

export type RetentionRunRow = { event_id: string, at: string, 
/**
 * Who ran it (`系统` for the daily schedule).
 */
actor: string, automatic: boolean, months: number, cutoff: string, anonymised: number, cases: number, held: number, };

export type RetentionRunsRequest = { 
/**
 * Runs (default 100, at most 1,000), newest first.
 */
limit?: number, };

export type RevisedPlanVersion = { plan_id: string, title: string, version: number, status: VersionStatus, };

export type RiskPointView = { id: string, title: string, description: string, source_kind: RiskSource, source: Record<string, unknown> | null, measures: string, owner_id: string, owner: string, due_on: string, status: RiskStatus, review: string | null, reviewed_at: string | null, 
/**
 * Open and past its due day without a review.
 */
overdue: boolean, created_by: string, created_at: string, };

export type RiskRecordRequest = { title: string, description: string, source_kind: RiskSource, 
/**
 * What the hotspot or alert showed (required for those two).
 */
source?: Record<string, unknown>, 
/**
 * The preventive measures.
 */
measures: string, owner_id: string, 
/**
 * `YYYY-MM-DD`, not before today.
 */
due_on: string, };

export type RiskReviewRequest = { id: string, 
/**
 * What the measures achieved.
 */
review: string, status: RiskStatus, };

export type RiskSource = "manual" | "hotspot" | "alert";

export type RiskStatus = "open" | "mitigated" | "closed";

export type RisksListRequest = { status?: RiskStatus, };

export type RoleCode = "intake_agent" | "handler" | "legal" | "department_head" | "manager" | "administrator";

export type RoleUpdateRequest = { code: RoleCode, permissions: Array<Permission>, case_scope: CaseScope, };

export type RoleView = { code: RoleCode, permissions: Array<Permission>, case_scope: CaseScope, 
/**
 * Whether this is still the role's default grant.
 */
is_default: boolean, };

export type RolesListRequest = Record<symbol, never>;

export type RootCause = "product_defect" | "supplier" | "consumer_misuse" | "installation" | "staff_conduct" | "logistics" | "pricing_error" | "contract_terms" | "other";

export type RoundView = { id: string, plan_version: number, held_on: string, method: ContactMethod, response: OfferResponse, counter: string | null, notes: string | null, author: string, };

export type RowProblem = { row: number, 
/**
 * The file's column (its header), or the case field for a fixed value or a whole record.
 */
column: string, reason: string, };

export type SampleVerdict = "pending" | "compliant" | "issue";

export type SampledCase = { case_id: string, case_no: string, status: string, received_at: string, department: string | null, handler: string | null, verdict: SampleVerdict, note: string, };

export type SanctionDecideRequest = { id: string, approved: boolean, note: string, };

export type SanctionKind = "reward" | "penalty";

export type SanctionProposeRequest = { kind: SanctionKind, subject_kind: SanctionSubject, subject_id: string, 
/**
 * `2026`, `2026-Q3` or `2026-10`.
 */
period: string, reason: string, 
/**
 * Money (fen), points, or both; at least one.
 */
amount_fen?: number, points?: number, 
/**
 * The cases it rests on.
 */
case_ids: Array<string>, 
/**
 * The scorecard (its period) it rests on.
 */
scorecard?: string, };

export type SanctionSubject = "staff" | "unit";

export type SanctionView = { id: string, kind: SanctionKind, subject_kind: SanctionSubject, subject_id: string, subject: string, period: string, reason: string, amount_fen: number | null, points: number | null, case_ids: Array<string>, case_nos: Array<string>, scorecard: string | null, 
/**
 * `proposed`, `approved` or `rejected`.
 */
status: string, proposed_by: string, proposed_at: string, decided_by: string | null, decided_at: string | null, decision_note: string | null, };

export type SanctionsListRequest = { 
/**
 * Sanctions of this period and the periods within it (`2026` takes in `2026-Q3`, `2026-10`).
 */
period?: string, subject_id?: string, };

export type Satisfaction = "satisfied" | "fairly_satisfied" | "dissatisfied";

export type ScorecardBy = "department" | "staff";

export type ScorecardExportRequest = { period: string, by?: ScorecardBy, 
/**
 * The .xlsx file to write.
 */
path: string, lang?: Lang, };

export type ScorecardExported = { path: string, rows: number, };

export type ScorecardLine = { 
/**
 * The KPIs, their targets and ratings, each with the ledger filter of its cases.
 */
kpi: KpiLine, 
/**
 * The mean of the rated KPIs' points (green 100, amber 60, red 0), one decimal; none
 * when no KPI of the line has a target.
 */
score: number | null, 
/**
 * KPIs with a target (those the score averages).
 */
rated: number, 
/**
 * Approved rewards and penalties of the period (and periods within it).
 */
reward_points: number, penalty_points: number, reward_fen: number, penalty_fen: number, };

export type ScorecardRequest = { 
/**
 * `2026-10`, `2026-Q3` or `2026`.
 */
period: string, by?: ScorecardBy, };

export type ScorecardResponse = { period: string, label: string, by: ScorecardBy, lines: Array<ScorecardLine>, };

export type SearchHit = { case: CaseRow, 
/**
 * Which text matched: case_no (a case number typed whole or its start), content, product,
 * product_model, order_no, result, investigation, plan or consumer.
 */
field: string, 
/**
 * Up to about 60 characters around the first match.
 */
snippet: string, 
/**
 * Matched ranges in `snippet`, as [start, end) character offsets.
 */
marks: Array<[number, number]>, };

export type SearchRequest = { 
/**
 * What the person typed: words, one or more Chinese characters, numbers, in any mix.
 */
query: string, 
/**
 * 1–500 (default 50).
 */
limit?: number, offset?: number, };

export type SearchResponse = { 
/**
 * Cases that match, over all pages.
 */
total: number, offset: number, 
/**
 * Best match first (bm25); with more than `RANKED_UP_TO` matches, newest first instead.
 */
ranked: boolean, items: Array<SearchHit>, };

export type SessionView = { account: AccountView, permissions: Array<Permission>, case_scope: CaseScope, must_change_password: boolean, idle_lock_minutes: number, };

export type Settings = { 
/**
 * Minutes without activity before the app locks (1–240).
 */
idle_lock_minutes: number, 
/**
 * Time limits per channel and severity, in working days (the most specific rule wins).
 */
deadlines: Array<DeadlineRule>, 
/**
 * Money to a consumer in one plan (fen) above which the plan needs approval by a legal or
 * managing role before it is offered.
 */
approval_threshold_fen: number, };

export type SettingsGetRequest = Record<symbol, never>;

export type SettlementWording = { title: string, 
/**
 * The recital of facts before the terms.
 */
preamble: string, 
/**
 * Standard terms after the agreed measures, one per line (numbered in the document).
 */
terms: string, };

export type SetupRequest = { username: string, display_name: string, password: string, 
/**
 * This site's code, in every case number it gives (1–12 letters or digits; headquarters
 * is `HQ`, a branch the code headquarters registered it under): absent, kept as it is.
 */
site_code?: string, 
/**
 * This site's name (总部, 上海分公司…): needed with a code.
 */
site_name?: string, };

export type Severity = "general" | "serious" | "major" | "mass";

export type SignInRequest = { username: string, password: string, };

export type SiteOption = { site_id: string, code: string, name: string, is_hq: boolean, 
/**
 * This site.
 */
this: boolean, };

export type SiteRange = { site_id: string, first_seq: number, last_seq: number, };

export type SitesRequest = Record<symbol, never>;

export type SitesView = { 
/**
 * This site is headquarters (it grants hand-overs and reassigns cases).
 */
is_hq: boolean, 
/**
 * Empty until this site first synced with a hub: a site alone has no one to hand to.
 */
sites: Array<SiteOption>, };

export type SortDirection = "asc" | "desc";

export type SourceKind = "document" | "consumer_talk" | "department_statement" | "site_visit" | "third_party" | "other";

export type SpecialDay = { date: string, kind: DayKind, name_zh: string, name_en: string, };

export type StaffTraining = { account_id: string, name: string, 
/**
 * The day of their latest training that counts (attended; passed when it had a test).
 */
last_trained_on: string | null, };

export type StandardApproveRequest = { id: string, version: number, 
/**
 * `YYYY-MM-DD`, today or later.
 */
effective_from: string, };

export type StandardInForce = { id: string, kind: StandardKind, version: number, title: string, body: string, categories: Array<string>, effective_from: string, 
/**
 * It answers the category asked about.
 */
matches_category: boolean, };

export type StandardKind = "service_commitment" | "charges" | "contract_terms" | "other";

export type StandardRequest = { id: string, };

export type StandardSaveRequest = { 
/**
 * None: a new standard.
 */
id?: string, kind: StandardKind, title: string, body: string, 
/**
 * Complaint category codes it answers (may be empty: it applies to every complaint).
 */
categories: Array<string>, 
/**
 * What this version changes (required from the second version on).
 */
change_note: string, };

export type StandardSummary = { id: string, kind: StandardKind, 
/**
 * The title of the version in force, else of the latest.
 */
title: string, categories: Array<string>, in_force: number | null, effective_from: string | null, latest_version: number, latest_status: VersionStatus, };

export type StandardVersionView = { version: number, status: VersionStatus, title: string, body: string, categories: Array<string>, change_note: string, drafted_by: string, drafted_at: string, approved_by: string | null, approved_at: string | null, effective_from: string | null, 
/**
 * The version in force today.
 */
in_force: boolean, };

export type StandardView = { id: string, kind: StandardKind, 
/**
 * Newest first.
 */
versions: Array<StandardVersionView>, };

export type StandardsListRequest = Record<symbol, never>;

export type StandardsLookupRequest = { 
/**
 * Words to find in the title or text (every word must occur).
 */
query?: string, 
/**
 * The complaint's category: standards answering it come first.
 */
category?: string, };

export type StatsDimension = "category" | "channel" | "department" | "store" | "product" | "severity" | "root_cause" | "status";

export type StatsRequest = { 
/**
 * First day (China time, `YYYY-MM-DD`), by the day a case was received.
 */
from: string, 
/**
 * Last day, included.
 */
to: string, 
/**
 * The trend's step (default: month).
 */
by?: TrendUnit, 
/**
 * The breakdowns wanted (default: all).
 */
dimensions?: Array<StatsDimension>, 
/**
 * A cross tabulation: rows by the first, columns by the second.
 */
cross?: [StatsDimension, StatsDimension], 
/**
 * Products listed in the product breakdown, the most frequent first (default 20); the rest
 * are summed in one line.
 */
top_products?: number, };

export type StatsResponse = { period: Period, previous: Period, last_year: Period, total: Figure, cases: Record<string, unknown>, breakdowns: Array<Breakdown>, trend: Array<TrendPoint>, cross: CrossTab | null, };

export type StepAction = "start" | "done" | "update";

export type StepCompleteRequest = { step_id: string, 
/**
 * `YYYY-MM-DD`, not in the future.
 */
done_on: string, note?: string, };

export type StepDelayRequest = { step_id: string, reason: string, 
/**
 * `YYYY-MM-DD`, today or later.
 */
new_due_on: string, 
/**
 * How the consumer was told of the new date: no new date without it (§四(五)2).
 */
informed_by: ContactMethod, 
/**
 * `YYYY-MM-DD`, not in the future.
 */
informed_on: string, };

export type StepInput = { title: string, 
/**
 * `YYYY-MM-DD`, today or later.
 */
due_on: string, };

export type StepView = { id: string, case_id: string, case_no: string, 
/**
 * The accepted plan the step belongs to, and its version.
 */
plan_id: string, plan_version: number, position: number, measure_kind: MeasureKind, title: string, responsible_id: string, responsible_name: string, due_on: string, done_on: string | null, 
/**
 * Times the date was moved.
 */
delays: number, 
/**
 * Not done and its date has passed.
 */
overdue: boolean, };

export type SurveyBatchView = { id: string, file_name: string, scale: SurveyScale, rows: number, responses: number, first_day: string, last_day: string, imported_by: string, imported_at: string, withdrawn_at: string | null, withdrawn_by: string | null, };

export type SurveyBatchesRequest = Record<symbol, never>;

export type SurveyBy = "store" | "product";

export type SurveyCell = { month: string, responses: number, 
/**
 * The responses' mean score (100-point scale); none without responses.
 */
score: number | null, complaints: number, };

export type SurveyImportReport = { file_name: string, 
/**
 * Which header each column was read from.
 */
columns: { [key in string]: string }, rows: number, responses: number, first_day: string | null, last_day: string | null, stores: number, products: number, 
/**
 * Why rows cannot be imported: then nothing is.
 */
problems: Array<RowProblem>, 
/**
 * Problems beyond those listed.
 */
more_problems: number, 
/**
 * The batch, when the file was imported.
 */
batch_id: string | null, };

export type SurveyImportRequest = { path: string, 
/**
 * The scale of the file's scores (default: five-point).
 */
scale: SurveyScale, 
/**
 * For a workbook: the sheet (default: the first).
 */
sheet?: string, encoding: Encoding, 
/**
 * Check the file and say what it holds; import nothing.
 */
dry_run: boolean, };

export type SurveyScale = "five" | "hundred";

export type SurveySeries = { 
/**
 * The store's id or the product's name.
 */
key: string, label: string, cells: Array<SurveyCell>, responses: number, score: number | null, complaints: number, 
/**
 * Pearson's r between the monthly score and complaints, over months with responses
 * (none below three such months or when either does not vary). Negative: complaints rise
 * as satisfaction falls.
 */
correlation: number | null, };

export type SurveySummary = { by: SurveyBy, months: Array<string>, 
/**
 * Lowest score first.
 */
series: Array<SurveySeries>, 
/**
 * Every store or product together, month by month.
 */
total: Array<SurveyCell>, };

export type SurveySummaryRequest = { 
/**
 * First month `YYYY-MM` (default: eleven months before the last).
 */
from?: string, 
/**
 * Last month `YYYY-MM` (default: this month).
 */
to?: string, by: SurveyBy, };

export type SurveyWithdrawRequest = { batch_id: string, reason: string, };

export type SyncConfigureRequest = { 
/**
 * `https://…`; empty: this site works alone (no hub).
 */
hub_url: string, 
/**
 * The credential `redress-hub site add` printed for this site (empty: keep the one set).
 */
token: string, 
/**
 * Certificates (PEM) to trust for the hub instead of the system's: absent, keep the ones
 * set; empty, the system's roots again.
 */
ca_pem?: string, 
/**
 * The signing key for bundles `redress-hub site add` issued with the credential (64 hex):
 * absent, keep the one set; empty, none. A branch without any hub needs only this.
 */
signing_key?: string, };

export type SyncPhase = "push" | "pull" | "files";

export type SyncProgress = { phase: SyncPhase, pushed: number, 
/**
 * Events of this site still waiting, as of the last batch.
 */
waiting: number, pulled: number, 
/**
 * The hub's number of the last event pulled.
 */
cursor: number, 
/**
 * The hub's highest number as of the last pull (0 before it, or from a hub that does not
 * say): the cursor's goal.
 */
hub_top: number, };

export type SyncReport = { 
/**
 * Events of this site the hub acknowledged in this sync.
 */
pushed: number, 
/**
 * Events of other sites stored by this sync.
 */
pulled: number, 
/**
 * Events of this site the hub held and this database did not (it was restored from a
 * backup, or copied from an older one), taken back before anything was pushed.
 */
recovered: number, 
/**
 * Events this site still has waiting (none after a sync that reached the hub).
 */
waiting: number, cursor: number, 
/**
 * The projections were folded again because pulled events sorted before applied ones.
 */
refolded: boolean, 
/**
 * Files (evidence, issued PDFs) sent to the hub and fetched from it.
 */
blobs_sent: number, blobs_fetched: number, 
/**
 * Files this site's records refer to that neither it nor the hub has yet (their site has
 * not sent them): fetched by a later sync.
 */
blobs_absent: number, 
/**
 * Files refused on the way (changed on this disk or at the hub): `evidence verify` names
 * them; the events went all the same.
 */
blobs_failed: number, };

export type SyncRunRequest = Record<symbol, never>;

export type SyncRunResult = { configured: boolean, report: SyncReport | null, };

export type SyncStatus = { hub_url: string | null, 
/**
 * Events of this site the hub has not acknowledged.
 */
waiting: number, 
/**
 * The last server_seq pulled.
 */
cursor: number, last_push_at: string | null, last_pull_at: string | null, last_error: string | null, 
/**
 * When this database was restored from a backup, until the sync after it has taken back
 * from the hub what this site recorded later (nothing may be recorded meanwhile).
 */
restored_at: string | null, 
/**
 * The sync under way on this database, as far as it has come (None when none runs).
 */
progress: SyncProgress | null, };

export type SyncStatusRequest = Record<symbol, never>;

export type SyncView = { 
/**
 * This site's code (in its case numbers) and name.
 */
site_code: string, site_name: string, status: SyncStatus, 
/**
 * A hub is configured.
 */
configured: boolean, 
/**
 * Certificates of its own are trusted for the hub (else the system's).
 */
own_certificate: boolean, 
/**
 * The public key (hex) of this site's signing key for bundles, when one is set: to compare
 * with the one headquarters registered.
 */
public_key: string | null, 
/**
 * Sites whose events arrived stamped far ahead of this computer's clock.
 */
clock_flags: Array<ClockFlag>, 
/**
 * Events that clashed with what another site did (the newest `CLASHES_LISTED`), and how
 * many there are in all; to administrators only (empty for others).
 */
clashes: Array<Clash>, clashes_total: number, };

export type SystemInfo = { version: string, db_path: string, schema_version: number, site_id: string, site_code: string, site_name: string, case_count: number, event_count: number, };

export type SystemInfoRequest = Record<symbol, never>;

export type TeamMemberInput = { 
/**
 * Account id or user name.
 */
account_id: string, role: TeamRole, duty: string, lead: boolean, };

export type TeamMemberView = { account_id: string, name: string, role: TeamRole, duty: string, lead: boolean, };

export type TeamRole = "legal" | "customer_service" | "business" | "other";

export type TeamSetRequest = { id: string, 
/**
 * The whole team as it should stand (empty: dissolve it).
 */
members: Array<TeamMemberInput>, note?: string, };

export type Templates = { acknowledgment: NoticeWording, progress: NoticeWording, result: NoticeWording, settlement: SettlementWording, bulletin: BulletinWording, };

export type TimelineEntry = { event_id: string, kind: string, occurred_at: string, recorded_at: string, actor: string, 
/**
 * The acting account's name, where the actor is an account.
 */
actor_name: string | null, 
/**
 * The event's payload without its sealed personal data.
 */
detail: JsonValue, 
/**
 * Held for review, not folded (written by a site that did not own the case then):
 * `open`, or `reviewed` once a person at the owning site looked at it.
 */
held: string | null, };

export type TrainingAttendee = { account_id: string, 
/**
 * The test score, 0–100 (none: no test, or not taken).
 */
score?: number, };

export type TrainingCoverage = { 
/**
 * Trainings on or after this day count.
 */
since: string, months: number, units: Array<UnitCoverage>, };

export type TrainingCoverageRequest = Record<symbol, never>;

export type TrainingRecordRequest = { topic: TrainingTopic, title: string, 
/**
 * `YYYY-MM-DD`, not after today.
 */
held_on: string, trainer: string, 
/**
 * 0.5–40.
 */
hours: number, 
/**
 * The score that passes the test (0–100); none: no test.
 */
pass_score?: number, attendees: Array<TrainingAttendee>, };

export type TrainingTopic = "consumer_rights_law" | "product_quality_law" | "civil_code_contracts" | "product_knowledge" | "service_process" | "communication" | "other";

export type TrainingView = { id: string, topic: TrainingTopic, title: string, held_on: string, trainer: string, hours: number, pass_score: number | null, attendees: Array<AttendeeView>, recorded_by: string, };

export type TrainingsListRequest = { 
/**
 * Courses held in this year (default: every year).
 */
year?: number, };

export type TrendPoint = { 
/**
 * `2026-03`, `2026-Q1` or `2026`.
 */
label: string, period: Period, count: number, cases: Record<string, unknown>, };

export type TrendUnit = "month" | "quarter" | "year";

export type UnitCoverage = { unit_id: string | null, unit: string | null, 
/**
 * Active staff of the unit.
 */
staff: number, 
/**
 * Of them, trained within the period.
 */
trained: number, 
/**
 * trained ÷ staff, per cent, one decimal.
 */
rate: number | null, 
/**
 * Those who are not: never trained, or last trained before the period.
 */
overdue: Array<StaffTraining>, };

export type UnlockRequest = { password: string, };

export type VersionStatus = "draft" | "approved";

export type VolumeImportRequest = { 
/**
 * CSV text: `unit,month,orders[,sales]` with a header line; the unit by code or id,
 * sales in yuan (`12345.67`).
 */
text: string, 
/**
 * The file's name, recorded as the source.
 */
file_name?: string, 
/**
 * Check only: nothing saved.
 */
dry_run?: boolean, };

export type VolumeInput = { 
/**
 * The unit's id or its code.
 */
unit: string, 
/**
 * `YYYY-MM`.
 */
month: string, orders: number, 
/**
 * Sales in fen.
 */
sales_fen?: number, };

export type VolumeListRequest = { 
/**
 * The year whose months are listed.
 */
year: number, };

export type VolumeRow = { unit_id: string, unit_code: string, unit_name: string, month: string, orders: number, sales_fen: number | null, };

export type VolumeSaved = { entries: number, months: Array<string>, dry_run: boolean, };

export type VolumeSetRequest = { entries: Array<VolumeInput>, };

export type WatchDimension = "product" | "store" | "category";

export type WorkList = { 
/**
 * Open cases the person handles or is on the team of, the most urgent first.
 */
cases: Array<CaseRow>, 
/**
 * Open steps the person is responsible for, by date: today's and overdue ones first.
 */
steps: Array<StepView>, 
/**
 * Plans waiting for the person's approval (with `compensation.approve`).
 */
approvals: Array<ApprovalView>, 
/**
 * For those who see a department or more and handle cases: its overdue cases and overdue
 * steps, whoever holds them.
 */
unit_overdue_cases: Array<CaseRow>, unit_overdue_steps: Array<StepView>, };

export type WorkListRequest = Record<symbol, never>;

/** Every operation: its request and response types. */
export type Operations = {
  "cases.list": { request: CasesListRequest; response: CasesListResponse };
  "stats.summary": { request: StatsRequest; response: StatsResponse };
  "alerts.list": { request: AlertsRequest; response: AlertsResponse };
  "contingency.list": { request: ContingencyListRequest; response: Array<ContingencySummary> };
  "contingency.get": { request: ContingencyRequest; response: ContingencyView };
  "contingency.save": { request: ContingencySaveRequest; response: ContingencyView };
  "contingency.approve": { request: ContingencyApproveRequest; response: ContingencyView };
  "contingency.pdf": { request: ContingencyRequest; response: GeneratedPdf };
  "drills.list": { request: DrillsListRequest; response: Array<DrillView> };
  "drills.record": { request: DrillRecordRequest; response: DrillView };
  "incidents.list": { request: IncidentsListRequest; response: Array<IncidentSummary> };
  "incidents.get": { request: IncidentRequest; response: IncidentView };
  "incidents.declare": { request: IncidentDeclareRequest; response: IncidentView };
  "incidents.link": { request: IncidentLinkRequest; response: IncidentView };
  "incidents.activate": { request: IncidentActivateRequest; response: IncidentView };
  "incidents.step": { request: IncidentStepRequest; response: IncidentView };
  "incidents.report": { request: IncidentReportRequest; response: IncidentView };
  "incidents.reply": { request: IncidentReplyRequest; response: IncidentView };
  "incidents.measure": { request: IncidentMeasureRequest; response: IncidentView };
  "incidents.assess": { request: IncidentAssessRequest; response: IncidentView };
  "incidents.review": { request: IncidentReviewRequest; response: IncidentView };
  "incidents.close": { request: IncidentRequest; response: IncidentView };
  "incidents.pdf": { request: IncidentRequest; response: GeneratedPdf };
  "stats.hotspots": { request: HotspotsRequest; response: HotspotsResponse };
  "reports.list": { request: ReportsListRequest; response: Array<ReportView> };
  "reports.get": { request: ReportRequest; response: ReportView };
  "reports.draft": { request: ReportDraftRequest; response: ReportView };
  "reports.save": { request: ReportSaveRequest; response: ReportView };
  "reports.pdf": { request: ReportRequest; response: GeneratedPdf };
  "reports.issue": { request: ReportRequest; response: ReportView };
  "kpi.summary": { request: KpiRequest; response: KpiResponse };
  "kpi.targets": { request: KpiTargetsRequest; response: Array<KpiTargetRow> };
  "kpi.target_set": { request: KpiTargetSetRequest; response: Array<KpiTargetRow> };
  "volume.list": { request: VolumeListRequest; response: Array<VolumeRow> };
  "volume.set": { request: VolumeSetRequest; response: VolumeSaved };
  "volume.import": { request: VolumeImportRequest; response: VolumeSaved };
  "compliance.list": { request: ComplianceRequest; response: ComplianceResponse };
  "scorecard.get": { request: ScorecardRequest; response: ScorecardResponse };
  "scorecard.export": { request: ScorecardExportRequest; response: ScorecardExported };
  "inspections.list": { request: InspectionsListRequest; response: Array<InspectionSummary> };
  "inspections.get": { request: InspectionRequest; response: InspectionView };
  "inspections.open": { request: InspectionOpenRequest; response: InspectionView };
  "inspections.check": { request: InspectionCheckRequest; response: InspectionView };
  "inspections.findings": { request: InspectionFindingsRequest; response: InspectionView };
  "inspections.rectify": { request: RectificationAddRequest; response: InspectionView };
  "inspections.rectified": { request: RectificationDoneRequest; response: InspectionView };
  "inspections.close": { request: InspectionRequest; response: InspectionView };
  "sanctions.list": { request: SanctionsListRequest; response: Array<SanctionView> };
  "sanctions.propose": { request: SanctionProposeRequest; response: SanctionView };
  "sanctions.decide": { request: SanctionDecideRequest; response: SanctionView };
  "privacy.settings": { request: PrivacySettingsRequest; response: PrivacySettings };
  "privacy.settings_set": { request: PrivacySettings; response: PrivacySettings };
  "privacy.log": { request: PrivacyLogRequest; response: Array<PrivacyLogRow> };
  "retention.run": { request: RetentionRunRequest; response: RetentionReport };
  "retention.runs": { request: RetentionRunsRequest; response: Array<RetentionRunRow> };
  "consumers.anonymise": { request: ConsumerAnonymiseRequest; response: AnonymisedConsumer };
  "consumers.export": { request: ConsumerExportRequest; response: ConsumerExportResult };
  "trainings.list": { request: TrainingsListRequest; response: Array<TrainingView> };
  "trainings.record": { request: TrainingRecordRequest; response: TrainingView };
  "trainings.coverage": { request: TrainingCoverageRequest; response: TrainingCoverage };
  "risks.list": { request: RisksListRequest; response: Array<RiskPointView> };
  "risks.record": { request: RiskRecordRequest; response: RiskPointView };
  "risks.review": { request: RiskReviewRequest; response: RiskPointView };
  "standards.list": { request: StandardsListRequest; response: Array<StandardSummary> };
  "standards.get": { request: StandardRequest; response: StandardView };
  "standards.lookup": { request: StandardsLookupRequest; response: Array<StandardInForce> };
  "standards.save": { request: StandardSaveRequest; response: StandardView };
  "standards.approve": { request: StandardApproveRequest; response: StandardView };
  "surveys.import": { request: SurveyImportRequest; response: SurveyImportReport };
  "surveys.batches": { request: SurveyBatchesRequest; response: Array<SurveyBatchView> };
  "surveys.withdraw": { request: SurveyWithdrawRequest; response: Array<SurveyBatchView> };
  "surveys.summary": { request: SurveySummaryRequest; response: SurveySummary };
  "sync.status": { request: SyncStatusRequest; response: SyncView };
  "sync.configure": { request: SyncConfigureRequest; response: SyncView };
  "sync.run": { request: SyncRunRequest; response: SyncRunResult };
  "backup.status": { request: BackupStatusRequest; response: BackupView };
  "backup.configure": { request: BackupConfigureRequest; response: BackupView };
  "backup.create": { request: BackupCreateRequest; response: BackupMade };
  "backup.verify": { request: BackupVerifyRequest; response: BackupChecked };
  "backup.discard_replaced": { request: BackupDiscardRequest; response: BackupView };
  "bundles.export": { request: BundleExportRequest; response: BundleExportReport };
  "bundles.import": { request: BundleImportRequest; response: BundleImportReport };
  "bundles.history": { request: BundleHistoryRequest; response: Array<BundleLogEntry> };
  "cases.legal_hold": { request: LegalHoldRequest; response: LegalHoldState };
  "cases.search": { request: SearchRequest; response: SearchResponse };
  "cases.export": { request: ExportRequest; response: ExportResult };
  "imports.inspect": { request: ImportInspectRequest; response: ImportInspection };
  "imports.preview": { request: ImportPreviewRequest; response: ImportPreview };
  "imports.run": { request: ImportRunRequest; response: ImportReport };
  "imports.mappings": { request: ImportMappingsRequest; response: Array<ImportMapping> };
  "imports.mapping_save": { request: ImportMappingSaveRequest; response: Array<ImportMapping> };
  "imports.batches": { request: ImportBatchesRequest; response: Array<ImportBatchView> };
  "jobs.status": { request: JobRequest; response: JobProgress | null };
  "jobs.cancel": { request: JobRequest; response: boolean };
  "preferences.get": { request: PreferenceGetRequest; response: JsonValue | null };
  "preferences.save": { request: PreferenceSaveRequest; response: JsonValue | null };
  "consumers.get": { request: ConsumerRequest; response: ConsumerView };
  "consumers.update": { request: ConsumerUpdateRequest; response: ConsumerView };
  "consumers.merge": { request: ConsumerMergeRequest; response: ConsumerView };
  "cases.get": { request: CaseGetRequest; response: CaseDetail };
  "cases.create": { request: IntakeRequest; response: IntakeResponse };
  "cases.related": { request: RelatedCasesRequest; response: RelatedCases };
  "cases.pause": { request: ClockPauseRequest; response: ClockState };
  "cases.resume": { request: ClockResumeRequest; response: ClockState };
  "sites.list": { request: SitesRequest; response: SitesView };
  "ownership.review": { request: SitesRequest; response: OwnershipReview };
  "cases.handover_request": { request: HandoverRequest; response: CaseOwnership };
  "cases.handover_grant": { request: HandoverDecision; response: CaseOwnership };
  "cases.handover_decline": { request: HandoverDecision; response: CaseOwnership };
  "cases.reassign": { request: HandoverRequest; response: CaseOwnership };
  "cases.held_review": { request: HeldReviewRequest; response: CaseOwnership };
  "cases.acknowledge": { request: CaseAcknowledgeRequest; response: AcknowledgeResult };
  "cases.link": { request: CaseLinkRequest; response: CaseLinkResult };
  "cases.unlink": { request: CaseLinkRequest; response: CaseLinkResult };
  "cases.merge": { request: CaseMergeRequest; response: CaseMergeResult };
  "cases.handling": { request: HandlingRequest; response: HandlingView };
  "cases.advance": { request: AdvanceRequest; response: Moved };
  "cases.assign": { request: AssignRequest; response: Moved };
  "cases.team_set": { request: TeamSetRequest; response: Moved };
  "cases.investigate": { request: InvestigateRequest; response: Created };
  "plans.draft": { request: PlanDraftRequest; response: PlanDrafted };
  "plans.decide": { request: PlanDecideRequest; response: PlanDrafted };
  "plans.offer": { request: PlanOfferRequest; response: Moved };
  "cases.negotiate": { request: NegotiateRequest; response: Moved };
  "steps.complete": { request: StepCompleteRequest; response: Created };
  "steps.delay": { request: StepDelayRequest; response: Created };
  "cases.feedback": { request: FeedbackRequest; response: Moved };
  "cases.close": { request: CloseRequest; response: Moved };
  "work.list": { request: WorkListRequest; response: WorkList };
  "evidence.add": { request: EvidenceAddRequest; response: EvidenceAttached };
  "evidence.list": { request: EvidenceListRequest; response: Array<EvidenceView> };
  "evidence.open": { request: EvidenceOpenRequest; response: EvidenceOpened };
  "evidence.verify": { request: EvidenceVerifyRequest; response: EvidenceReport };
  "evidence.export": { request: EvidenceExportRequest; response: EvidenceExport };
  "documents.notice": { request: NoticeRequest; response: GeneratedPdf };
  "documents.settings": { request: DocumentSettingsRequest; response: DocumentSettings };
  "documents.settings_save": { request: DocumentSettingsSave; response: DocumentSettings };
  "bulletins.list": { request: BulletinsListRequest; response: Array<BulletinSummary> };
  "bulletins.get": { request: BulletinRequest; response: BulletinView };
  "bulletins.draft": { request: BulletinDraftRequest; response: BulletinView };
  "bulletins.save": { request: BulletinSaveRequest; response: BulletinView };
  "bulletins.pdf": { request: BulletinRequest; response: GeneratedPdf };
  "bulletins.issue": { request: BulletinRequest; response: BulletinView };
  "bulletins.discard": { request: BulletinRequest; response: BulletinView };
  "demo.generate": { request: DemoRequest; response: DemoResponse };
  "system.info": { request: SystemInfoRequest; response: SystemInfo };
  "auth.change_password": { request: PasswordChangeRequest; response: PasswordChanged };
  "accounts.list": { request: AccountsListRequest; response: Array<AccountView> };
  "accounts.create": { request: AccountCreateRequest; response: AccountView };
  "accounts.update": { request: AccountUpdateRequest; response: AccountView };
  "accounts.reset_password": { request: PasswordResetRequest; response: AccountView };
  "roles.list": { request: RolesListRequest; response: Array<RoleView> };
  "roles.update": { request: RoleUpdateRequest; response: RoleView };
  "org.list": { request: OrgListRequest; response: Array<OrgUnitView> };
  "org.handlers": { request: HandlersListRequest; response: Array<HandlerView> };
  "org.create": { request: OrgCreateRequest; response: OrgUnitView };
  "org.update": { request: OrgUpdateRequest; response: OrgUnitView };
  "audit.verify": { request: AuditVerifyRequest; response: AuditReport };
  "settings.get": { request: SettingsGetRequest; response: Settings };
  "settings.update": { request: Settings; response: Settings };
  "codes.list": { request: CodesListRequest; response: CodeLists };
  "codes.save": { request: CodeEntrySaveRequest; response: CodeEntry };
  "calendar.list": { request: CalendarListRequest; response: CalendarYear };
  "calendar.set": { request: CalendarSetRequest; response: CalendarChange };
  "calendar.import": { request: CalendarImportRequest; response: CalendarChange };
};

/** The Tauri command that serves each operation. */
export const COMMANDS = {
  "cases.list": "cases_list",
  "stats.summary": "stats_summary",
  "alerts.list": "alerts_list",
  "contingency.list": "contingency_list",
  "contingency.get": "contingency_get",
  "contingency.save": "contingency_save",
  "contingency.approve": "contingency_approve",
  "contingency.pdf": "contingency_pdf",
  "drills.list": "drills_list",
  "drills.record": "drills_record",
  "incidents.list": "incidents_list",
  "incidents.get": "incidents_get",
  "incidents.declare": "incidents_declare",
  "incidents.link": "incidents_link",
  "incidents.activate": "incidents_activate",
  "incidents.step": "incidents_step",
  "incidents.report": "incidents_report",
  "incidents.reply": "incidents_reply",
  "incidents.measure": "incidents_measure",
  "incidents.assess": "incidents_assess",
  "incidents.review": "incidents_review",
  "incidents.close": "incidents_close",
  "incidents.pdf": "incidents_pdf",
  "stats.hotspots": "stats_hotspots",
  "reports.list": "reports_list",
  "reports.get": "reports_get",
  "reports.draft": "reports_draft",
  "reports.save": "reports_save",
  "reports.pdf": "reports_pdf",
  "reports.issue": "reports_issue",
  "kpi.summary": "kpi_summary",
  "kpi.targets": "kpi_targets",
  "kpi.target_set": "kpi_target_set",
  "volume.list": "volume_list",
  "volume.set": "volume_set",
  "volume.import": "volume_import",
  "compliance.list": "compliance_list",
  "scorecard.get": "scorecard_get",
  "scorecard.export": "scorecard_export",
  "inspections.list": "inspections_list",
  "inspections.get": "inspections_get",
  "inspections.open": "inspections_open",
  "inspections.check": "inspections_check",
  "inspections.findings": "inspections_findings",
  "inspections.rectify": "inspections_rectify",
  "inspections.rectified": "inspections_rectified",
  "inspections.close": "inspections_close",
  "sanctions.list": "sanctions_list",
  "sanctions.propose": "sanctions_propose",
  "sanctions.decide": "sanctions_decide",
  "privacy.settings": "privacy_settings",
  "privacy.settings_set": "privacy_settings_set",
  "privacy.log": "privacy_log",
  "retention.run": "retention_run",
  "retention.runs": "retention_runs",
  "consumers.anonymise": "consumers_anonymise",
  "consumers.export": "consumers_export",
  "trainings.list": "trainings_list",
  "trainings.record": "trainings_record",
  "trainings.coverage": "trainings_coverage",
  "risks.list": "risks_list",
  "risks.record": "risks_record",
  "risks.review": "risks_review",
  "standards.list": "standards_list",
  "standards.get": "standards_get",
  "standards.lookup": "standards_lookup",
  "standards.save": "standards_save",
  "standards.approve": "standards_approve",
  "surveys.import": "surveys_import",
  "surveys.batches": "surveys_batches",
  "surveys.withdraw": "surveys_withdraw",
  "surveys.summary": "surveys_summary",
  "sync.status": "sync_status",
  "sync.configure": "sync_configure",
  "sync.run": "sync_run",
  "backup.status": "backup_status",
  "backup.configure": "backup_configure",
  "backup.create": "backup_create",
  "backup.verify": "backup_verify",
  "backup.discard_replaced": "backup_discard_replaced",
  "bundles.export": "bundles_export",
  "bundles.import": "bundles_import",
  "bundles.history": "bundles_history",
  "cases.legal_hold": "cases_legal_hold",
  "cases.search": "cases_search",
  "cases.export": "cases_export",
  "imports.inspect": "imports_inspect",
  "imports.preview": "imports_preview",
  "imports.run": "imports_run",
  "imports.mappings": "imports_mappings",
  "imports.mapping_save": "imports_mapping_save",
  "imports.batches": "imports_batches",
  "jobs.status": "jobs_status",
  "jobs.cancel": "jobs_cancel",
  "preferences.get": "preferences_get",
  "preferences.save": "preferences_save",
  "consumers.get": "consumers_get",
  "consumers.update": "consumers_update",
  "consumers.merge": "consumers_merge",
  "cases.get": "cases_get",
  "cases.create": "cases_create",
  "cases.related": "cases_related",
  "cases.pause": "cases_pause",
  "cases.resume": "cases_resume",
  "sites.list": "sites_list",
  "ownership.review": "ownership_review",
  "cases.handover_request": "cases_handover_request",
  "cases.handover_grant": "cases_handover_grant",
  "cases.handover_decline": "cases_handover_decline",
  "cases.reassign": "cases_reassign",
  "cases.held_review": "cases_held_review",
  "cases.acknowledge": "cases_acknowledge",
  "cases.link": "cases_link",
  "cases.unlink": "cases_unlink",
  "cases.merge": "cases_merge",
  "cases.handling": "cases_handling",
  "cases.advance": "cases_advance",
  "cases.assign": "cases_assign",
  "cases.team_set": "cases_team_set",
  "cases.investigate": "cases_investigate",
  "plans.draft": "plans_draft",
  "plans.decide": "plans_decide",
  "plans.offer": "plans_offer",
  "cases.negotiate": "cases_negotiate",
  "steps.complete": "steps_complete",
  "steps.delay": "steps_delay",
  "cases.feedback": "cases_feedback",
  "cases.close": "cases_close",
  "work.list": "work_list",
  "evidence.add": "evidence_add",
  "evidence.list": "evidence_list",
  "evidence.open": "evidence_open",
  "evidence.verify": "evidence_verify",
  "evidence.export": "evidence_export",
  "documents.notice": "documents_notice",
  "documents.settings": "documents_settings",
  "documents.settings_save": "documents_settings_save",
  "bulletins.list": "bulletins_list",
  "bulletins.get": "bulletins_get",
  "bulletins.draft": "bulletins_draft",
  "bulletins.save": "bulletins_save",
  "bulletins.pdf": "bulletins_pdf",
  "bulletins.issue": "bulletins_issue",
  "bulletins.discard": "bulletins_discard",
  "demo.generate": "demo_generate",
  "system.info": "system_info",
  "auth.change_password": "auth_change_password",
  "accounts.list": "accounts_list",
  "accounts.create": "accounts_create",
  "accounts.update": "accounts_update",
  "accounts.reset_password": "accounts_reset_password",
  "roles.list": "roles_list",
  "roles.update": "roles_update",
  "org.list": "org_list",
  "org.handlers": "org_handlers",
  "org.create": "org_create",
  "org.update": "org_update",
  "audit.verify": "audit_verify",
  "settings.get": "settings_get",
  "settings.update": "settings_update",
  "codes.list": "codes_list",
  "codes.save": "codes_save",
  "calendar.list": "calendar_list",
  "calendar.set": "calendar_set",
  "calendar.import": "calendar_import",
} as const satisfies Record<keyof Operations, string>;
