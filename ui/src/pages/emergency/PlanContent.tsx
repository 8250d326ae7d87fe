import { Descriptions, Table, Typography } from "antd";
import type { ReactNode } from "react";

import type { ContingencyReporting, ContingencyRole, ContingencyStep, ContingencyVersionView } from "../../api";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { Prose } from "./shared";

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section style={{ marginBottom: 16 }}>
      <Typography.Title level={5} style={{ fontSize: 14, margin: "0 0 8px" }}>
        {title}
      </Typography.Title>
      {children}
    </section>
  );
}

/** One version of a plan, as it reads: scope, organisation, steps, communication, reporting. */
export function PlanContent({ version: v }: { version: ContingencyVersionView }) {
  const { m } = useI18n();
  const p = m.emergency.plans;
  const s = p.sections;
  const c = v.content;
  const withIndex = <T,>(rows: T[]) => rows.map((row, i) => ({ ...row, i }));

  return (
    <div data-testid="plan-content">
      <Descriptions
        size="small"
        column={{ xs: 1, lg: 2 }}
        style={{ marginBottom: 16 }}
        items={[
          { key: "drafted", label: p.drafted, children: `${v.drafted_by} · ${formatDateTime(v.drafted_at)}` },
          {
            key: "approved",
            label: p.approved,
            children: v.approved_by ? `${v.approved_by} · ${formatDateTime(v.approved_at)}` : "—",
          },
          { key: "effective", label: p.effectiveFrom, children: v.effective_from ?? "—" },
          ...(v.source
            ? [
                {
                  key: "source",
                  label: p.sourceLabel,
                  children: (
                    <span data-testid="plan-source">{p.source(v.source.label ?? p.sourceKind[v.source.kind])}</span>
                  ),
                },
              ]
            : []),
          ...(v.change_note
            ? [{ key: "note", label: p.changeNote, span: "filled" as const, children: <Prose text={v.change_note} testId="plan-note" /> }]
            : []),
        ]}
      />
      <Section title={s.scope}>
        <Prose text={c.scope} />
      </Section>
      <Section title={s.organisation}>
        <Table<ContingencyRole & { i: number }>
          size="small"
          bordered
          rowKey="i"
          pagination={false}
          dataSource={withIndex(c.organisation)}
          columns={[
            { key: "role", title: p.org.role, dataIndex: "role", width: 120 },
            { key: "name", title: p.org.name, dataIndex: "name", width: 90 },
            { key: "phone", title: p.org.phone, dataIndex: "phone", width: 130, className: "num" },
            { key: "deputy", title: p.org.deputy, width: 90, render: (_, r) => r.deputy || "—" },
            { key: "deputy_phone", title: p.org.deputyPhone, width: 130, className: "num", render: (_, r) => r.deputy_phone || "—" },
            { key: "duties", title: p.org.duties, render: (_, r) => <Prose text={r.duties} /> },
          ]}
        />
      </Section>
      <Section title={s.steps}>
        <Table<ContingencyStep & { i: number }>
          size="small"
          bordered
          rowKey="i"
          pagination={false}
          dataSource={withIndex(c.steps)}
          columns={[
            { key: "seq", title: p.step.seq, width: 50, className: "num", render: (_, r) => r.i + 1 },
            { key: "title", title: p.step.title, dataIndex: "title" },
            { key: "role", title: p.step.role, dataIndex: "role", width: 140 },
            {
              key: "hours",
              title: p.step.hours,
              width: 150,
              render: (_, r) => (r.within_hours ? p.step.within(r.within_hours) : "—"),
            },
          ]}
        />
      </Section>
      <Section title={s.communication}>
        <Prose text={c.communication} />
      </Section>
      <Section title={s.reporting}>
        <Table<ContingencyReporting & { i: number }>
          size="small"
          bordered
          rowKey="i"
          pagination={false}
          dataSource={withIndex(c.reporting)}
          locale={{ emptyText: p.report.none }}
          columns={[
            { key: "authority", title: p.report.authority, dataIndex: "authority", width: 180 },
            { key: "hours", title: p.report.hours, width: 160, render: (_, r) => p.report.within(r.within_hours) },
            { key: "content", title: p.report.content, render: (_, r) => <Prose text={r.content} /> },
          ]}
        />
      </Section>
    </div>
  );
}
