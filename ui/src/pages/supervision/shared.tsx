// What the supervision screens share: the compliance rules in order, periods and money as the
// core takes them, the organisation's units for the selects, and a case number that opens the
// case in the case drawer.
import { Button, Tag } from "antd";
import { useCallback, useEffect, useState, type ReactNode } from "react";

import { call, type CaseStatus, type ComplianceRule, type InspectionAspect, type OrgUnitView } from "../../api";
import { CaseDrawer } from "../../components/CaseDrawer";
import { StatusTag } from "../../components/labels";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";

/** Every compliance rule, in the order the core lists them. */
export const RULES: ComplianceRule[] = [
  "compensation_without_evidence",
  "deadline_moved_uninformed",
  "closed_without_feedback",
  "overdue_without_reason",
  "major_without_team",
  "reopened_closed_without_new_plan",
];

/** What an inspection may look at. */
export const ASPECTS: InspectionAspect[] = ["intake", "process", "satisfaction"];

/** The stages an inspection may be narrowed to (merged cases are never drawn). */
export const STAGES: CaseStatus[] = [
  "received",
  "investigating",
  "planning",
  "negotiating",
  "executing",
  "feedback",
  "closed",
  "withdrawn",
];

/** A year, a quarter or a month, as the core takes them: `2026`, `2026-Q3`, `2026-10`. */
export const PERIOD_PATTERN = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;
/** An amount in yuan as typed: `200`, `200.5`, `200.50`. */
export const AMOUNT_PATTERN = /^\d{1,9}(\.\d{1,2})?$/;
/** An inspection's seed: 16 hex digits. */
export const SEED_PATTERN = /^[0-9a-fA-F]{16}$/;

/** Fen from yuan as typed (`200.5` → 20050); none when nothing was typed. */
export function fenOf(yuan: string | null | undefined): number | undefined {
  const text = yuan?.trim() ?? "";
  return text === "" ? undefined : Math.round(Number(text) * 100);
}

/** Units an inspection, a compliance filter or a sanction may name (not the company itself). */
const NAMED_UNITS: ReadonlySet<OrgUnitView["kind"]> = new Set(["subsidiary", "branch", "department", "store"]);

/** The organisation's units (the company left out), loaded once `wanted` turns true. */
export function useUnits(wanted = true): OrgUnitView[] | null {
  const [units, setUnits] = useState<OrgUnitView[] | null>(null);
  const [asked, setAsked] = useState(false);
  if (wanted && !asked) setAsked(true);
  useEffect(() => {
    if (!asked) return;
    let live = true;
    call("org.list", {})
      .then((found) => live && setUnits(found.filter((u) => NAMED_UNITS.has(u.kind))))
      .catch(() => live && setUnits([]));
    return () => {
      live = false;
    };
  }, [asked]);
  return units;
}

/** A unit's name with its kind, as the selects list it: 售后服务部（部门）. */
export function useUnitLabel() {
  const { m } = useI18n();
  return useCallback((u: OrgUnitView) => `${u.name}（${m.labels.orgKind[u.kind]}）`, [m]);
}

/** A case's status, as a tag when the core gave a known one. */
export function CaseStatusTag({ status }: { status: string }) {
  const { m } = useI18n();
  return status in m.labels.status ? <StatusTag status={status as CaseStatus} /> : <Tag>{status}</Tag>;
}

/** An inspection's status as a tag. */
export function InspectionStatusTag({ status, testId }: { status: string; testId?: string }) {
  const { m } = useI18n();
  const t = m.supervision.inspections.status;
  return (
    <Tag color={status === "open" ? "processing" : "success"} data-testid={testId}>
      {status === "open" ? t.open : status === "closed" ? t.closed : status}
    </Tag>
  );
}

/**
 * The case drawer of a screen: `open(id)` shows a case; `drawer` is rendered once by the screen.
 */
export function useCaseDrawer(): { open: (id: string) => void; drawer: ReactNode } {
  const { can } = useSession();
  const [caseId, setCaseId] = useState<string | null>(null);
  const drawer = (
    <CaseDrawer
      caseId={caseId}
      onClose={() => setCaseId(null)}
      canHandle={can("case.handle")}
      canWork={can("case.intake") || can("case.handle")}
      canApprove={can("compensation.approve")}
      onChanged={() => undefined}
      onOpenCase={setCaseId}
    />
  );
  return { open: setCaseId, drawer };
}

/** A case number that opens the case. */
export function CaseLink({ id, caseNo, onOpen }: { id: string; caseNo: string; onOpen: (id: string) => void }) {
  const { m } = useI18n();
  return (
    <Button
      type="link"
      size="small"
      className="case-link num"
      style={{ padding: 0 }}
      aria-label={m.caseDetail.openCase(caseNo)}
      data-testid="case-link"
      data-id={id}
      onClick={(e) => {
        e.stopPropagation();
        onOpen(id);
      }}
    >
      {caseNo}
    </Button>
  );
}
