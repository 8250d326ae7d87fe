import { Card, Space, Timeline, Typography } from "antd";

import type { IncidentLogEntry, IncidentView, JsonValue } from "../../api";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";

type Detail = Record<string, JsonValue | undefined>;

const str = (v: JsonValue | undefined): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const list = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

/** At most `n` characters, an ellipsis after. */
const short = (text: string, n = 60) => (text.length > n ? `${text.slice(0, n)}…` : text);

const COLORS: Record<string, string> = {
  "incident.declared": "red",
  "incident.plan_activated": "blue",
  "incident.reported": "blue",
  "incident.reviewed": "green",
  "incident.closed": "green",
};

/** 时间线: every change to the incident, oldest first, each in words. */
export function IncidentTimeline({ view }: { view: IncidentView }) {
  const { m } = useI18n();
  const t = m.emergency.incident.timeline;

  const describe = (entry: IncidentLogEntry): string => {
    const d: Detail =
      entry.detail && typeof entry.detail === "object" && !Array.isArray(entry.detail) ? (entry.detail as Detail) : {};
    switch (entry.kind) {
      case "incident.declared": {
        const origin = d.origin && typeof d.origin === "object" && !Array.isArray(d.origin) ? (d.origin as Detail) : null;
        const base = `${str(d.incident_no)} ${str(d.title)}`.trim();
        return origin ? `${base}${t.fromAlert(str(origin.label), str(origin.observed))}` : base;
      }
      case "incident.cases_linked": {
        const n = list(d.case_ids).length;
        return d.auto === true ? t.linkedAuto(n) : t.linked(n);
      }
      case "incident.plan_activated": {
        const title = str(d.plan_id) === view.plan_id ? (view.plan_title ?? "") : "";
        return t.activated(title, str(d.plan_version), list(d.steps).length, list(d.reports).length);
      }
      case "incident.step_updated": {
        const seq = Number(d.seq);
        const step = view.steps.find((s) => s.seq === seq);
        const name = `${seq}. ${step?.title ?? ""}`.trim();
        const parts = [
          d.done_at ? t.stepDone(name) : d.started_at ? t.stepStarted(name) : t.stepUpdated(name),
          str(d.owner) ? t.owner(str(d.owner)) : "",
          str(d.note) ? short(str(d.note)) : "",
        ];
        return parts.filter(Boolean).join("；");
      }
      case "incident.reported":
        return t.reported(str(d.authority), str(d.channel), short(str(d.content)));
      case "incident.reply_recorded": {
        const report = view.reports.find((r) => r.id === str(d.report_id));
        return t.reply(report?.authority ?? "", short(str(d.reply)));
      }
      case "incident.measure_recorded":
        return short(str(d.measure), 80);
      case "incident.measure_assessed": {
        const measure = view.measures.find((x) => x.id === str(d.measure_id));
        return t.assessed(short(measure?.measure ?? "", 30), short(str(d.effect)));
      }
      case "incident.reviewed": {
        const review = d.review && typeof d.review === "object" && !Array.isArray(d.review) ? (d.review as Detail) : {};
        return str(review.causes) ? t.causes(short(str(review.causes))) : "";
      }
      default:
        return "";
    }
  };

  return (
    <Card size="small" title={t.title}>
      <div data-testid="incident-timeline">
        <Timeline
          items={view.timeline.map((entry, i) => {
            const detail = describe(entry);
            return {
              key: i,
              color: COLORS[entry.kind] ?? "gray",
              content: (
                <div data-testid="timeline-entry" data-kind={entry.kind}>
                  <Space size={8} wrap>
                    <Typography.Text strong>{t.kinds[entry.kind] ?? entry.kind}</Typography.Text>
                    {detail && <Typography.Text>{detail}</Typography.Text>}
                  </Space>
                  <Typography.Text type="secondary" className="num" style={{ display: "block", fontSize: 12 }}>
                    {formatDateTime(entry.at)} · {m.labels.actor[entry.actor] ?? entry.actor}
                  </Typography.Text>
                </div>
              ),
            };
          })}
        />
      </div>
    </Card>
  );
}
