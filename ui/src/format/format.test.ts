import { describe, expect, it } from "vitest";

import { fileStamp, formatDate, formatDateTime, formatMoney } from ".";

describe("formatting in Chinese conventions", () => {
  it("shows instants in China Standard Time", () => {
    expect(formatDateTime("2026-11-28T05:15:00.000Z")).toBe("2026-11-28 13:15");
    expect(formatDateTime("2026-12-31T16:30:00.000Z")).toBe("2027-01-01 00:30");
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });

  it("stamps file names with the time in China, past midnight there", () => {
    expect(fileStamp(new Date("2026-12-31T16:05:00.000Z"))).toBe("20270101-0005");
    expect(fileStamp(new Date("2026-11-28T06:05:00.000Z"))).toBe("20261128-1405");
  });

  it("writes dates the Chinese way and the English way", () => {
    expect(formatDate("2026-11-28T05:15:00.000Z", "zh-CN")).toBe("2026年11月28日");
    expect(formatDate("2026-01-05T02:00:00.000Z", "zh-CN")).toBe("2026年1月5日");
    expect(formatDate("2026-11-28T05:15:00.000Z", "en")).toBe("28 Nov 2026");
  });

  it("shows fen as yuan with grouping and two decimals", () => {
    expect(formatMoney(123450)).toBe("¥1,234.50");
    expect(formatMoney(5)).toBe("¥0.05");
    expect(formatMoney(100000000)).toBe("¥1,000,000.00");
    expect(formatMoney(-2500)).toBe("-¥25.00");
    expect(formatMoney(null)).toBe("—");
  });
});
