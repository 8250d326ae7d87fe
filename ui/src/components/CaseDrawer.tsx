import { Alert, App, Button, Descriptions, Drawer, Input, Modal, Skeleton, Space, Timeline, Typography } from "antd";
import { useEffect, useState } from "react";

import { call, type CaseDetail, type OperationError, type TimelineEntry } from "../api";
import { formatDate, formatDateTime, formatMoney } from "../format";
import { useI18n } from "../i18n";
import { SeverityTag, StatusTag } from "./labels";

/** One case: what was received, from whom, and everything that happened since. */
export function CaseDrawer({
  caseId,
  onClose,
  canHandle,
  onChanged,
}: {
  caseId: string | null;
  onClose: () => void;
  canHandle: boolean;
  onChanged: () => void;
}) {
  const { m, lang } = useI18n();
  // What was loaded, and for which case: a reply for an earlier case is never shown.
  const [loaded, setLoaded] = useState<{ id: string; detail?: CaseDetail; error?: OperationError } | null>(null);

  const [reloads, setReloads] = useState(0);
  const [pausing, setPausing] = useState(false);
  const [reason, setReason] = useState("");
  const { message } = App.useApp();

  useEffect(() => {
    if (!caseId) return;
    let live = true;
    call("cases.get", { id: caseId })
      .then((detail) => live && setLoaded({ id: caseId, detail }))
      .catch((error: OperationError) => live && setLoaded({ id: caseId, error }));
    return () => {
      live = false;
    };
  }, [caseId, reloads]);

  /** Pauses (with the reason typed) or resumes the deadline clock, then shows the case again. */
  const clock = async (action: "pause" | "resume") => {
    if (!caseId) return;
    try {
      if (action === "pause") await call("cases.pause", { id: caseId, reason });
      else await call("cases.resume", { id: caseId });
      setPausing(false);
      setReason("");
      setReloads((n) => n + 1);
      onChanged();
    } catch (e) {
      message.error((e as OperationError).message);
    }
  };

  const current = loaded && loaded.id === caseId ? loaded : null;
  const detail = current?.detail ?? null;
  const error = current?.error ?? null;

  const d = m.caseDetail;
  const describe = (entry: TimelineEntry): string => {
    const detail = entry.detail as Record<string, unknown> | null;
    const label = m.labels.eventKind[entry.kind] ?? entry.kind;
    if (entry.kind === "case.transitioned" && detail) {
      const to = m.labels.status[detail.to as keyof typeof m.labels.status] ?? String(detail.to);
      return `${label} → ${to}${detail.note ? `${m.labels.colon}${String(detail.note)}` : ""}`;
    }
    if (entry.kind === "case.assigned" && detail) return `${label}${m.labels.colon}${String(detail.handler)}`;
    if (entry.kind === "case.closed" && detail) return `${label}${m.labels.colon}${String(detail.result)}`;
    if (entry.kind === "case.clock_paused" && detail) return `${label}${m.labels.colon}${String(detail.reason)}`;
    return label;
  };

  return (
    <Drawer
      open={caseId !== null}
      onClose={onClose}
      width={720}
      title={detail ? `${d.title} ${detail.case.case_no}` : d.title}
      data-testid="case-drawer"
    >
      {error && <Alert type="error" message={m.errors.title} description={error.message} />}
      {!detail && !error && <Skeleton active />}
      {detail && (
        <Space direction="vertical" size="large" style={{ width: "100%" }}>
          <Space wrap>
            <StatusTag status={detail.case.status} />
            <SeverityTag severity={detail.case.severity} />
            <Typography.Text type="secondary">{formatDateTime(detail.case.received_at)}</Typography.Text>
            {canHandle && !["closed", "withdrawn"].includes(detail.case.status) &&
              (detail.case.paused_reason ? (
                <Button size="small" onClick={() => clock("resume")} data-testid="clock-resume">
                  {d.resume}
                </Button>
              ) : (
                <Button size="small" onClick={() => setPausing(true)} data-testid="clock-pause">
                  {d.pause}
                </Button>
              ))}
          </Space>
          {detail.case.paused_reason && (
            <Alert type="info" showIcon message={d.pausedSince(detail.case.paused_reason)} data-testid="clock-paused" />
          )}
          <Modal
            open={pausing}
            title={d.pause}
            onCancel={() => setPausing(false)}
            onOk={() => clock("pause")}
            okButtonProps={{ disabled: reason.trim() === "" }}
            destroyOnHidden
          >
            <Input.TextArea
              rows={2}
              maxLength={500}
              placeholder={d.pauseReasonHint}
              aria-label={d.pauseReason}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="pause-reason"
            />
          </Modal>
          <Descriptions size="small" bordered column={2}>
            <Descriptions.Item label={d.consumer}>{detail.consumer.name}</Descriptions.Item>
            <Descriptions.Item label={d.mobile}>{detail.consumer.mobile ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={d.email}>{detail.consumer.email ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={d.address}>{detail.consumer.address ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.channel}>
              {m.labels.channel[detail.case.channel] ?? detail.case.channel}
            </Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.store}>{detail.case.store ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.product}>{detail.case.product_name}</Descriptions.Item>
            <Descriptions.Item label={d.model}>{detail.product_model ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={d.quantity}>{detail.quantity}</Descriptions.Item>
            <Descriptions.Item label={d.amountPaid}>{formatMoney(detail.amount_paid_fen)}</Descriptions.Item>
            <Descriptions.Item label={d.orderNo}>{detail.order_no ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={d.purchasedAt}>{formatDate(detail.purchased_at, lang)}</Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.category}>
              {m.labels.category[detail.case.category] ?? detail.case.category}
            </Descriptions.Item>
            <Descriptions.Item label={d.complexity}>
              {m.labels.complexity[detail.complexity] ?? detail.complexity}
            </Descriptions.Item>
            <Descriptions.Item label={d.demand}>
              {m.labels.demand[detail.demand] ?? detail.demand}
              {detail.demand_amount_fen !== null && ` ${formatMoney(detail.demand_amount_fen)}`}
            </Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.due_at}>{formatDateTime(detail.case.due_at)}</Descriptions.Item>
            <Descriptions.Item label={d.receivedBy}>{detail.received_by}</Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.handler}>{detail.case.handler ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={d.content} span={2}>
              {detail.content}
            </Descriptions.Item>
            {detail.case.result && (
              <Descriptions.Item label={m.ledger.columns.result} span={2}>
                {detail.case.result}
              </Descriptions.Item>
            )}
            {detail.root_cause && (
              <Descriptions.Item label={d.rootCause}>
                {m.labels.rootCause[detail.root_cause] ?? detail.root_cause}
              </Descriptions.Item>
            )}
            {detail.case.satisfaction && (
              <Descriptions.Item label={m.ledger.columns.satisfaction}>
                {m.labels.satisfaction[detail.case.satisfaction]}
              </Descriptions.Item>
            )}
          </Descriptions>
          <div>
            <Typography.Title level={5}>{d.timeline}</Typography.Title>
            <Timeline
              data-testid="case-timeline"
              items={detail.timeline.map((entry) => ({
                key: entry.event_id,
                children: (
                  <Space direction="vertical" size={0}>
                    <Typography.Text>{describe(entry)}</Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(entry.occurred_at)} · {d.recordedBy} {entry.actor_name ?? m.labels.actor[entry.actor] ?? entry.actor}
                    </Typography.Text>
                  </Space>
                ),
              }))}
            />
          </div>
        </Space>
      )}
    </Drawer>
  );
}
