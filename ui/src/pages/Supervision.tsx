import { App, Result, Space, Tabs, Typography } from "antd";
import { useCallback, useState } from "react";

import { chinaToday } from "../components/handling/common";
import { useI18n } from "../i18n";
import type { KpiPeriodKind } from "../i18n/zh-CN";
import { useSession } from "../session";
import { PeriodPicker, periodOf, type OpenLedger } from "./kpi/shared";
import { Compliance } from "./supervision/Compliance";
import { Inspections } from "./supervision/Inspections";
import { Risks } from "./supervision/Risks";
import { ProposeModal, Sanctions, type ProposeOpening } from "./supervision/Sanctions";
import { Scorecards, type ProposeFor } from "./supervision/Scorecards";
import { Standards } from "./supervision/Standards";
import { Surveys } from "./supervision/Surveys";
import { Trainings } from "./supervision/Trainings";

type Tab = "compliance" | "scorecards" | "inspections" | "sanctions" | "trainings" | "risks" | "surveys" | "standards";

/**
 * 监督考核 (§七): compliance checks over the recorded cases, scorecards against the KPI targets,
 * inspections by random sample and their rectification, and rewards and penalties; and
 * prevention (§二): training and its coverage, the risk-point register, and satisfaction surveys
 * beside the complaints; and the operating standards (§二(二)), versioned, read by everyone here.
 */
export function Supervision({
  onOpenLedger,
}: {
  /** Lists cases in the ledger: their filter, and what they are in words. */
  onOpenLedger: OpenLedger;
}) {
  const { m } = useI18n();
  const s = m.supervision;
  const { can } = useSession();
  const { message } = App.useApp();
  const mayView = can("case.view");
  const mayManage = can("supervision.manage");
  const mayKpi = can("kpi.manage");
  const mayApprove = can("sanction.approve");

  const available: Tab[] = [
    ...(mayView ? (["compliance"] as const) : []),
    ...(mayManage || mayKpi ? (["scorecards"] as const) : []),
    ...(mayManage ? (["inspections"] as const) : []),
    ...(mayManage || mayApprove ? (["sanctions"] as const) : []),
    ...(mayManage ? (["trainings"] as const) : []),
    ...(mayView ? (["risks"] as const) : []),
    ...(mayManage ? (["surveys"] as const) : []),
    ...(mayView ? (["standards"] as const) : []),
  ];
  const [chosen, setChosen] = useState<Tab | null>(null);
  const tab = chosen && available.includes(chosen) ? chosen : (available[0] ?? null);

  // The period of the scorecards and of the rewards and penalties listed.
  const [kind, setKind] = useState<KpiPeriodKind>("quarter");
  const [day, setDay] = useState(() => chinaToday());
  const period = periodOf(kind, day);

  // Rewards and penalties: the form (from the list, or for a scorecard's line), and reloads.
  const [proposing, setProposing] = useState<{ opening: ProposeOpening | null; open: boolean }>({ opening: null, open: false });
  const [sanctionReloads, setSanctionReloads] = useState(0);
  const propose = useCallback(
    (more: Omit<ProposeOpening, "session" | "period"> = {}) =>
      setProposing((x) => ({ opening: { session: (x.opening?.session ?? 0) + 1, period, ...more }, open: true })),
    [period],
  );
  const proposeFor = (line: ProposeFor) =>
    propose({
      subject_kind: line.by === "staff" ? "staff" : "unit",
      subject_id: line.key,
      subject_name: line.name,
      scorecard: period,
    });

  if (!tab) {
    return (
      <div className="page" data-testid="supervision-page">
        <Result status="403" title={s.noAccess} />
      </div>
    );
  }

  const label = (key: Tab) => <span data-testid={`supervision-tab-${key}`}>{s.tabs[key]}</span>;
  const items = [
    {
      key: "compliance" as const,
      label: label("compliance"),
      children: <Compliance onOpenLedger={onOpenLedger} />,
    },
    {
      key: "scorecards" as const,
      label: label("scorecards"),
      children: (
        <Scorecards
          period={period}
          reloads={sanctionReloads}
          mayPropose={mayManage}
          maySetTargets={mayKpi}
          onOpenLedger={onOpenLedger}
          onPropose={proposeFor}
        />
      ),
    },
    {
      key: "inspections" as const,
      label: label("inspections"),
      children: <Inspections mayManage={mayManage} />,
    },
    {
      key: "sanctions" as const,
      label: label("sanctions"),
      children: (
        <Sanctions
          period={period}
          reloads={sanctionReloads}
          mayPropose={mayManage}
          mayApprove={mayApprove}
          onPropose={() => propose()}
          onChanged={() => setSanctionReloads((n) => n + 1)}
        />
      ),
    },
    {
      key: "trainings" as const,
      label: label("trainings"),
      children: <Trainings />,
    },
    {
      key: "risks" as const,
      label: label("risks"),
      children: <Risks mayManage={mayManage} />,
    },
    {
      key: "surveys" as const,
      label: label("surveys"),
      children: <Surveys />,
    },
    {
      key: "standards" as const,
      label: label("standards"),
      children: <Standards mayManage={can("standard.manage")} mayApprove={can("standard.approve")} />,
    },
  ].filter((item) => available.includes(item.key));

  const periodControls =
    tab === "scorecards" || tab === "sanctions" ? (
      <PeriodPicker
        kind={kind}
        day={day}
        onKind={setKind}
        onDay={setDay}
        testId="supervision"
        kindLabel={m.kpi.periodKindLabel}
        periodLabel={m.kpi.periodLabel}
      />
    ) : null;

  return (
    <div className="page" data-testid="supervision-page">
      <Space orientation="vertical" size={0} style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {s.title}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {s.intro}
        </Typography.Text>
      </Space>
      <Tabs activeKey={tab} onChange={(key) => setChosen(key as Tab)} tabBarExtraContent={periodControls} items={items} />
      {mayManage && (
        <ProposeModal
          key={proposing.opening?.session ?? 0}
          opening={proposing.opening}
          open={proposing.open}
          onClose={() => setProposing((x) => ({ ...x, open: false }))}
          onProposed={() => {
            setProposing((x) => ({ ...x, open: false }));
            message.success(s.sanctions.proposed);
            setSanctionReloads((n) => n + 1);
          }}
        />
      )}
    </div>
  );
}
