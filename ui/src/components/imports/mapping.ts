// The import wizard's mapping as edited (one draft per case field) and as sent to the core.
import type { FieldSource, ImportField, ImportMapping, RowProblem } from "../../api";

export const IMPORT_FIELDS: ImportField[] = [
  "received_at",
  "channel",
  "product_name",
  "product_model",
  "content",
  "category",
  "severity",
  "demand",
  "demand_amount",
  "amount_paid",
  "order_no",
  "purchased_at",
  "department",
  "store",
  "consumer_name",
  "consumer_mobile",
  "consumer_address",
  "status",
  "result",
  "satisfaction",
  "closed_at",
  "handler",
];

export const REQUIRED_FIELDS: ReadonlySet<ImportField> = new Set<ImportField>([
  "received_at",
  "channel",
  "product_name",
  "content",
  "category",
]);

/** Fields whose values are codes of a list: the file's values are mapped to them. */
export type CodedField = "channel" | "category" | "severity" | "demand" | "status" | "satisfaction";
export const CODED_FIELDS: ReadonlySet<ImportField> = new Set<ImportField>([
  "channel",
  "category",
  "severity",
  "demand",
  "status",
  "satisfaction",
]);
export const isCoded = (f: ImportField): f is CodedField => CODED_FIELDS.has(f);

export type Mode = "column" | "value" | "none";

/** One field as the wizard edits it. */
export interface FieldDraft {
  mode: Mode;
  columns: string[];
  join: string;
  value: string;
  /** File value → code. */
  values: Record<string, string>;
  default: string;
}

export type Drafts = Record<ImportField, FieldDraft>;

const EMPTY: FieldDraft = { mode: "none", columns: [], join: "", value: "", values: {}, default: "" };

export function draftOf(source: FieldSource | undefined): FieldDraft {
  if (!source) return { ...EMPTY, values: {} };
  const columns = source.columns?.length ? [...source.columns] : source.column ? [source.column] : [];
  const mode: Mode = source.value !== undefined && source.value !== null ? "value" : columns.length > 0 ? "column" : "none";
  return {
    mode,
    columns,
    join: source.join ?? "",
    value: source.value ?? "",
    values: { ...(source.values ?? {}) },
    default: source.default ?? "",
  };
}

export function draftsOf(mapping: ImportMapping): Drafts {
  return Object.fromEntries(IMPORT_FIELDS.map((f) => [f, draftOf(mapping.fields[f])])) as Drafts;
}

/** What a draft sends; none for a field not imported. */
export function sourceOf(d: FieldDraft): FieldSource | undefined {
  const values = Object.fromEntries(Object.entries(d.values).filter(([, code]) => code !== ""));
  if (d.mode === "value") {
    return d.value.trim() === "" ? undefined : { value: d.value.trim(), values: {} };
  }
  if (d.mode === "column" && d.columns.length > 0) {
    const s: FieldSource = d.columns.length === 1 ? { column: d.columns[0], values } : { columns: [...d.columns], values };
    if (d.columns.length > 1 && d.join !== "") s.join = d.join;
    if (d.default.trim() !== "") s.default = d.default.trim();
    return s;
  }
  return undefined;
}

export interface MappingMeta {
  source: string;
  encoding: ImportMapping["encoding"];
  sheet?: string;
  date_formats: string[];
  external_id: string[];
}

export function mappingOf(meta: MappingMeta, drafts: Drafts): ImportMapping {
  const fields: ImportMapping["fields"] = {};
  for (const f of IMPORT_FIELDS) {
    const s = sourceOf(drafts[f]);
    if (s) fields[f] = s;
  }
  const mapping: ImportMapping = {
    source: meta.source.trim(),
    encoding: meta.encoding,
    date_formats: meta.date_formats.map((x) => x.trim()).filter((x) => x !== ""),
    external_id: [...meta.external_id],
    fields,
  };
  if (meta.sheet) mapping.sheet = meta.sheet;
  return mapping;
}

/** Required fields that neither a column nor a fixed value fills. */
export function missingRequired(drafts: Drafts): ImportField[] {
  return IMPORT_FIELDS.filter((f) => REQUIRED_FIELDS.has(f) && sourceOf(drafts[f]) === undefined);
}

/**
 * The distinct values a draft's columns take in the sample rows (joined as the core joins
 * them), then those its value map already names.
 */
export function sampleValues(d: FieldDraft, headers: string[], sample: string[][], max = 50): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (v: string) => {
    const key = v.trim().toLowerCase();
    if (key === "" || seen.has(key) || found.length >= max) return;
    seen.add(key);
    found.push(v.trim());
  };
  if (d.mode === "column" && d.columns.length > 0) {
    const positions = d.columns.map((c) => headers.findIndex((h) => h.trim() === c.trim())).filter((i) => i >= 0);
    for (const row of sample) {
      add(
        positions
          .map((i) => (row[i] ?? "").trim())
          .filter((c) => c !== "")
          .join(d.columns.length > 1 ? d.join || "\n" : ""),
      );
    }
  }
  Object.keys(d.values).forEach(add);
  return found;
}

/** How the core names a field's column in its problems (headers joined by "+", or the field). */
export function problemColumn(field: ImportField, d: FieldDraft): string {
  return d.mode === "column" && d.columns.length > 0 ? d.columns.join("+") : field;
}

/** A problem belongs to a field's cell when it names the field's column(s) or the field. */
export function problemOf(field: ImportField, d: FieldDraft, problems: RowProblem[]): RowProblem[] {
  const column = problemColumn(field, d);
  return problems.filter(
    (p) => p.column === column || p.column === field || (d.mode === "column" && d.columns.includes(p.column)),
  );
}

/** One CSV field: quoted when it holds a comma, a quote or a line break. */
function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The rejected rows as CSV (the shell adds the byte-order mark that Excel wants). */
export function problemsCsv(header: readonly string[], problems: RowProblem[]): string {
  const lines = [header.map(csvField).join(",")];
  for (const p of problems) lines.push([p.row, p.column, p.reason].map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** A file name without its extension. */
export function stemOf(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}
