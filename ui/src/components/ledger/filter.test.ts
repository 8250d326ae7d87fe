import { describe, expect, it } from "vitest";

import { activeFilters, cleanFilter, filterFromJson, narrowedByStats, STATS_ONLY, withoutFilters } from "./filter";

// The filter of the cases a KPI counts, as the core gives it.
const KPI_CASES = {
  statuses: ["closed" as const],
  closed_from: "2026-04-01",
  closed_to: "2026-06-30",
  closed_on_time: true,
  first_contact: false,
  reopened: true,
  missed_deadline: false,
  exclude_merged: true,
  // "": no branch (headquarters); no handler yet.
  branch_id: "",
  handler_id: "",
};

describe("ledger filter", () => {
  it("keeps what a KPI narrows by, the empty ids included", () => {
    expect(cleanFilter(KPI_CASES)).toEqual(KPI_CASES);
    expect(filterFromJson(JSON.parse(JSON.stringify(KPI_CASES)))).toEqual(KPI_CASES);
    expect(narrowedByStats({ branch_id: "" })).toBe(true);
    expect(narrowedByStats({ missed_deadline: true })).toBe(true);
  });

  it("counts a closing range once, and drops the KPI's own filters on leaving it", () => {
    expect(activeFilters({ closed_from: "2026-04-01", closed_to: "2026-06-30", closed_on_time: true })).toBe(2);
    expect(withoutFilters({ ...KPI_CASES, channels: ["hotline"] }, STATS_ONLY)).toEqual({
      statuses: ["closed"],
      handler_id: "",
      channels: ["hotline"],
    });
  });
});
