import { CheckOutlined, PlayCircleOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Form, Input, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState } from "react";

import { call, type ContingencySummary, type IncidentStepView, type IncidentView } from "../../api";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { FormModal, rowProps, useIncidentAction, useRules, type SectionProps } from "./shared";

/** Choosing the plan to activate: those with a version in force, of the incident's kind first. */
function Activation({ view, onView }: Omit<SectionProps, "editable">) {
  const { m } = useI18n();
  const t = m.emergency.incident.plan;
  const [plans, setPlans] = useState<ContingencySummary[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const { busy, act } = useIncidentAction(onView);

  useEffect(() => {
    let live = true;
    call("contingency.list", {})
      .then((found) => {
        if (!live) return;
        const sorted = [...found].sort(
          (a, b) =>
            Number(b.in_force !== null) - Number(a.in_force !== null) ||
            Number(b.kind === view.kind) - Number(a.kind === view.kind),
        );
        setPlans(sorted);
        const first = sorted.find((p) => p.in_force !== null && p.kind === view.kind);
        if (first) setChosen((c) => c ?? first.id);
      })
      .catch(() => live && setPlans([]));
    return () => {
      live = false;
    };
  }, [view.kind]);

  const usable = (plans ?? []).filter((p) => p.in_force !== null);
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Alert type="warning" showIcon title={t.notActivated} description={t.activateHint} />
      <Space.Compact style={{ width: "100%", maxWidth: 720 }}>
        <Select<string>
          style={{ flex: 1 }}
          placeholder={t.choose}
          loading={plans === null}
          value={chosen ?? undefined}
          onChange={setChosen}
          data-testid="incident-plan-select"
          showSearch={{ optionFilterProp: "label" }}
          notFoundContent={t.noPlans}
          options={(plans ?? []).map((p) => ({
            value: p.id,
            label:
              p.in_force !== null
                ? t.option(p.title, m.emergency.kind[p.kind], p.in_force)
                : t.optionNotInForce(p.title, m.emergency.kind[p.kind]),
            disabled: p.in_force === null,
          }))}
        />
        <Button
          type="primary"
          icon={<PlayCircleOutlined />}
          disabled={!chosen}
          loading={busy === "activate"}
          onClick={() => chosen && act("activate", () => call("incidents.activate", { id: view.id, plan_id: chosen }))}
          data-testid="incident-activate"
        >
          {t.activate}
        </Button>
      </Space.Compact>
      {plans !== null && usable.length === 0 && <Typography.Text type="secondary">{t.noPlans}</Typography.Text>}
    </Space>
  );
}

interface UpdateValues {
  owner: string;
  note: string;
}

/** 应急预案: the plan activated and its checklist, or the choice of one. */
export function IncidentPlan({ view, editable, onView, onOpenPlan }: SectionProps & { onOpenPlan: (id: string) => void }) {
  const { m } = useI18n();
  const t = m.emergency.incident.plan;
  const rules = useRules();
  const { busy, act } = useIncidentAction(onView);
  const [updating, setUpdating] = useState<IncidentStepView | null>(null);

  const step = (s: IncidentStepView, action: "start" | "done") =>
    act(`${action}-${s.seq}`, () => call("incidents.step", { id: view.id, seq: s.seq, action }));

  const columns: ColumnsType<IncidentStepView> = [
    { key: "seq", title: t.columns.seq, width: 50, className: "num", dataIndex: "seq" },
    {
      key: "title",
      title: t.columns.title,
      render: (_, s) => (
        <Space orientation="vertical" size={0}>
          <span>{s.title}</span>
          {s.note && (
            <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: "pre-wrap" }}>
              {t.note}
              {m.labels.colon}
              {s.note}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      key: "owner",
      title: t.columns.owner,
      width: 170,
      render: (_, s) => (
        <Space orientation="vertical" size={0}>
          <span>{s.owner || "—"}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {s.role}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: "due",
      title: t.columns.due,
      width: 170,
      render: (_, s) =>
        s.due_at ? (
          <Space size={4}>
            <Typography.Text className="num" type={s.overdue ? "danger" : undefined} strong={s.overdue}>
              {formatDateTime(s.due_at)}
            </Typography.Text>
            {s.overdue && <Tag color="red">{t.overdue}</Tag>}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t.noDue}</Typography.Text>
        ),
    },
    {
      key: "progress",
      title: t.columns.progress,
      width: 190,
      render: (_, s) =>
        s.done_at ? (
          <Space size={4}>
            <Tag color="green">{t.done}</Tag>
            <span className="num">{formatDateTime(s.done_at)}</span>
          </Space>
        ) : s.started_at ? (
          <Space size={4}>
            <Tag color="processing">{t.started}</Tag>
            <span className="num">{formatDateTime(s.started_at)}</span>
          </Space>
        ) : (
          <Tag>{t.notStarted}</Tag>
        ),
    },
    ...(editable
      ? [
          {
            key: "actions",
            title: t.columns.actions,
            width: 190,
            render: (_: unknown, s: IncidentStepView) => (
              <Space size={4}>
                {!s.started_at && !s.done_at && (
                  <Button
                    size="small"
                    loading={busy === `start-${s.seq}`}
                    onClick={() => step(s, "start")}
                    data-testid={`step-start-${s.seq}`}
                  >
                    {t.start}
                  </Button>
                )}
                {!s.done_at && (
                  <Button
                    size="small"
                    type="primary"
                    icon={<CheckOutlined />}
                    loading={busy === `done-${s.seq}`}
                    onClick={() => step(s, "done")}
                    data-testid={`step-done-${s.seq}`}
                  >
                    {t.finish}
                  </Button>
                )}
                <Button size="small" type="link" onClick={() => setUpdating(s)} data-testid={`step-update-${s.seq}`}>
                  {t.update}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card size="small" title={t.title} data-testid="incident-plan">
      {view.plan_id ? (
        <>
          <Space size={8} wrap style={{ marginBottom: 12 }}>
            <Button type="link" style={{ padding: 0 }} onClick={() => view.plan_id && onOpenPlan(view.plan_id)} data-testid="incident-plan-link">
              {view.plan_title}
            </Button>
            <Tag>{t.version(view.plan_version ?? 0)}</Tag>
            <Typography.Text type="secondary" className="num">
              {t.activatedAt(formatDateTime(view.activated_at))}
            </Typography.Text>
            <Typography.Text strong className="num">
              {t.progress(view.live.steps_done, view.live.steps_total)}
            </Typography.Text>
          </Space>
          <Table<IncidentStepView>
            size="small"
            rowKey="seq"
            pagination={false}
            dataSource={view.steps}
            columns={columns}
            data-testid="incident-steps"
            rowClassName={(s) => (s.overdue && !s.done_at ? "step-overdue" : "")}
            onRow={(s) => rowProps(`incident-step-${s.seq}`)}
            locale={{ emptyText: t.noSteps }}
          />
        </>
      ) : editable ? (
        <Activation view={view} onView={onView} />
      ) : (
        <Typography.Text type="secondary" data-testid="incident-no-plan">
          {t.notActivated}
        </Typography.Text>
      )}
      <FormModal<UpdateValues, IncidentView>
        open={updating !== null}
        title={updating ? t.updateTitle(updating.seq, updating.title) : ""}
        fields={["owner", "note"]}
        initialValues={{ owner: updating?.owner ?? "", note: updating?.note ?? "" }}
        submitTestId="step-update-submit"
        submit={(v) =>
          call("incidents.step", {
            id: view.id,
            seq: updating?.seq ?? 0,
            action: "update",
            owner: v.owner.trim(),
            note: (v.note ?? "").trim(),
          })
        }
        onCancel={() => setUpdating(null)}
        onDone={(v) => {
          setUpdating(null);
          onView(v);
        }}
      >
        <Form.Item name="owner" label={t.owner} rules={[rules.required]}>
          <Input maxLength={40} data-testid="step-owner" />
        </Form.Item>
        <Form.Item name="note" label={t.note}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} data-testid="step-note" />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
