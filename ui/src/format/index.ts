// Dates, times and money as Chinese readers expect them. Instants are stored in UTC and shown
// in China Standard Time whatever the machine's zone.
import type { Lang } from "../api";

const ZONE = "Asia/Shanghai";

function parts(iso: string): Record<string, string> | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const fmt = new Intl.DateTimeFormat("en-GB", {
    timeZone: ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  return Object.fromEntries(fmt.formatToParts(date).map((p) => [p.type, p.value]));
}

/** `2026-11-28 14:05`: compact, for tables. */
/** A moment in China as `YYYYMMDD-HHmm`, for a file's suggested name. */
export function fileStamp(now: Date = new Date()): string {
  const p = parts(now.toISOString());
  return p ? `${p.year}${p.month}${p.day}-${p.hour}${p.minute}` : "";
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const p = parts(iso);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : "—";
}

/** `2026年11月28日` in Chinese, `28 Nov 2026` in English. */
export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  if (lang === "zh-CN") {
    const p = parts(iso);
    return p ? `${p.year}年${Number(p.month)}月${Number(p.day)}日` : "—";
  }
  return new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, dateStyle: "medium" }).format(date);
}

/** Amounts are kept in fen (分); shown as `¥1,234.50`. */
export function formatMoney(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return "—";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString("en-US");
  const cents = String(abs % 100).padStart(2, "0");
  return `${sign}¥${yuan}.${cents}`;
}
