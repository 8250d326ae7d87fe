import { App, Badge, Space, Tabs, Typography } from "antd";
import { useCallback, useState } from "react";

import { call, toOperationError, type ContingencySource, type ContingencyView, type DrillView, type IncidentView } from "../api";
import { useI18n } from "../i18n";
import { useSession } from "../session";
import { Alerts } from "./emergency/Alerts";
import { Drills } from "./emergency/Drills";
import { IncidentDetail } from "./emergency/IncidentDetail";
import { Incidents } from "./emergency/Incidents";
import { PlanDetail } from "./emergency/PlanDetail";
import { emptyContent, PlanEditor, type EditorOpening } from "./emergency/PlanEditor";
import { Plans } from "./emergency/Plans";

type Tab = "alerts" | "incidents" | "plans" | "drills";

/** Where the editor opens: the plan's latest version (its draft, or the next version's start). */
function openingFrom(view: ContingencyView, session: number, source?: ContingencySource, note?: string): EditorOpening {
  const latest = view.versions[0];
  const draft = latest?.status === "draft";
  const kept = draft ? latest.change_note.trim() : "";
  const added = note?.trim() ?? "";
  return {
    planId: view.id,
    mode: draft ? "draft" : "revise",
    version: draft ? latest.version : (latest?.version ?? 0) + 1,
    kind: view.kind,
    title: latest?.title ?? view.title,
    content: latest?.content ?? emptyContent(),
    changeNote: [kept, added].filter((x, i, all) => x && all.indexOf(x) === i).join("\n"),
    source: source ?? (draft ? (latest.source ?? undefined) : undefined),
    session,
  };
}

/**
 * 应急管理 (§六): early warning of mass disputes, incidents and their handling, contingency
 * plans and their versions, and drills.
 */
export function Emergency({ focusAlert }: { /** The alert to show (`dimension:value`), from the workbench. */ focusAlert?: string | null }) {
  const { m } = useI18n();
  const e = m.emergency;
  const { can } = useSession();
  const { message } = App.useApp();
  const mayManage = can("emergency.manage");
  const [tab, setTab] = useState<Tab>("alerts");
  const [reloads, setReloads] = useState(0);
  // Alerts are checked again only when what they show may change: an incident declared or closed.
  const [alertReloads, setAlertReloads] = useState(0);
  const [alertCount, setAlertCount] = useState<number | null>(null);
  const [incidentId, setIncidentId] = useState<string | null>(null);
  const [planId, setPlanId] = useState<string | null>(null);
  const [editor, setEditor] = useState<{ opening: EditorOpening | null; open: boolean }>({ opening: null, open: false });

  const changed = useCallback(() => setReloads((n) => n + 1), []);
  const nextSession = () => (editor.opening?.session ?? 0) + 1;
  const showEditor = (opening: EditorOpening) => setEditor({ opening, open: true });

  const revise = async (id: string, source?: ContingencySource, note?: string) => {
    const session = nextSession();
    try {
      showEditor(openingFrom(await call("contingency.get", { id }), session, source, note));
    } catch (err) {
      message.error(toOperationError(err).message);
    }
  };
  const reviseFromDrill = (drill: Pick<DrillView, "id" | "plan_id" | "held_on" | "scenario" | "revisions">) =>
    revise(drill.plan_id, { kind: "drill", id: drill.id, label: e.drills.sourceLabel(drill.held_on, drill.scenario) }, drill.revisions);
  const newPlan = () =>
    showEditor({
      mode: "new",
      version: 1,
      kind: "product_safety",
      title: "",
      content: emptyContent(),
      changeNote: "",
      session: nextSession(),
    });
  const declared = (view: IncidentView) => {
    message.success(e.declare.declared(view.incident_no));
    changed();
    setAlertReloads((n) => n + 1);
    setIncidentId(view.id);
  };
  const incidentChanged = useCallback(
    (view: IncidentView) => {
      changed();
      if (view.status === "closed") setAlertReloads((n) => n + 1);
    },
    [changed],
  );

  const label = (key: Tab, text: string, extra?: React.ReactNode) => (
    <span data-testid={`emergency-tab-${key}`}>
      {text}
      {extra}
    </span>
  );

  return (
    <div className="page" data-testid="emergency-page">
      <Space orientation="vertical" size={0} style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {e.title}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {e.intro}
        </Typography.Text>
      </Space>
      <Tabs
        activeKey={tab}
        onChange={(key) => setTab(key as Tab)}
        items={[
          {
            key: "alerts",
            label: label(
              "alerts",
              e.tabs.alerts,
              alertCount ? <Badge count={alertCount} size="small" style={{ marginLeft: 6 }} /> : null,
            ),
            children: (
              <Alerts
                focus={focusAlert}
                reloads={alertReloads}
                mayManage={mayManage}
                onOpenIncident={setIncidentId}
                onDeclared={declared}
                onCount={setAlertCount}
              />
            ),
          },
          {
            key: "incidents",
            label: label("incidents", e.tabs.incidents),
            children: <Incidents reloads={reloads} mayManage={mayManage} onOpen={setIncidentId} onDeclared={declared} />,
          },
          {
            key: "plans",
            label: label("plans", e.tabs.plans),
            children: <Plans reloads={reloads} mayManage={mayManage} onOpen={setPlanId} onNew={newPlan} />,
          },
          {
            key: "drills",
            label: label("drills", e.tabs.drills),
            children: <Drills reloads={reloads} mayManage={mayManage} onRevise={reviseFromDrill} onRecorded={changed} />,
          },
        ]}
      />
      <IncidentDetail
        id={incidentId}
        onClose={() => setIncidentId(null)}
        onChanged={incidentChanged}
        onRevisePlan={(id, source, note) => void revise(id, source, note)}
        onOpenPlan={setPlanId}
      />
      <PlanDetail
        planId={planId}
        reloads={reloads}
        onClose={() => setPlanId(null)}
        onRevise={(view) => showEditor(openingFrom(view, nextSession()))}
        onReviseFromDrill={(drill) => void reviseFromDrill(drill)}
        onChanged={changed}
      />
      <PlanEditor
        opening={editor.opening}
        open={editor.open}
        onClose={() => setEditor((x) => ({ ...x, open: false }))}
        onSaved={(view) => {
          setEditor((x) => ({ ...x, open: false }));
          changed();
          setPlanId(view.id);
        }}
      />
    </div>
  );
}
