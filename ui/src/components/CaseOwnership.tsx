import { Alert, Button, Form, Input, Select, Space } from "antd";
import { useEffect, useState } from "react";

import { call, type CaseOwnership as Ownership, type SitesView } from "../api";
import { useI18n } from "../i18n";
import { ActionDialog } from "./handling/common";

type Dialog = "request" | "grant" | "decline" | "reassign" | null;

interface Values {
  to_site?: string;
  reason?: string;
  note?: string;
}

/**
 * Which site owns the case (only it changes the case's state), the hand-over waiting for
 * headquarters, and the actions: the owner asks for a hand-over or withdraws it; headquarters
 * grants, declines or reassigns. Shown once the hub has listed other sites, or whenever the
 * case is not this site's own.
 */
export function CaseOwnership({
  caseId,
  ownership,
  canHandle,
  onChanged,
}: {
  caseId: string;
  ownership: Ownership;
  canHandle: boolean;
  onChanged: () => void;
}) {
  const { m } = useI18n();
  const o = m.ownership;
  const [sites, setSites] = useState<SitesView | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);

  useEffect(() => {
    let live = true;
    call("sites.list", {})
      .then((v) => live && setSites(v))
      .catch(() => live && setSites({ is_hq: false, sites: [] }));
    return () => {
      live = false;
    };
  }, [caseId]);

  const others = (sites?.sites ?? []).filter((s) => s.site_id !== ownership.owner_site);
  const alone = others.length === 0;
  if (alone && ownership.mine && !ownership.pending && ownership.held_open === 0) return null;

  const isHq = sites?.is_hq ?? false;
  const required = { required: true, message: m.auth.required };
  const targets = others.map((s) => ({ value: s.site_id, label: `${s.code} ${s.name}` }));
  const done = () => {
    setDialog(null);
    onChanged();
  };
  const actions = canHandle && (
    <Space wrap>
      {ownership.mine && !ownership.pending && !alone && (
        <Button size="small" onClick={() => setDialog("request")} data-testid="handover-request">
          {o.request}
        </Button>
      )}
      {ownership.pending && isHq && (
        <Button size="small" type="primary" onClick={() => setDialog("grant")} data-testid="handover-grant">
          {o.grant}
        </Button>
      )}
      {ownership.pending && (isHq || ownership.mine) && (
        <Button size="small" onClick={() => setDialog("decline")} data-testid="handover-decline">
          {ownership.mine && !isHq ? o.withdraw : o.decline}
        </Button>
      )}
      {isHq && !alone && (
        <Button size="small" onClick={() => setDialog("reassign")} data-testid="case-reassign">
          {o.reassign}
        </Button>
      )}
    </Space>
  );

  return (
    <>
      <Alert
        type={ownership.pending || ownership.held_open > 0 ? "warning" : "info"}
        showIcon
        data-testid="case-ownership"
        message={o.owner(ownership.owner_label)}
        description={
          <Space direction="vertical" size={2}>
            {!ownership.mine && <span data-testid="ownership-not-mine">{o.notMine}</span>}
            {ownership.pending && (
              <span data-testid="ownership-pending">{o.pending(ownership.pending.label, ownership.pending.reason)}</span>
            )}
            {ownership.held_open > 0 && <span data-testid="ownership-held">{o.heldOpen(ownership.held_open)}</span>}
          </Space>
        }
        action={actions}
      />
      <ActionDialog<Values>
        open={dialog === "request" || dialog === "reassign"}
        title={dialog === "reassign" ? o.reassignTitle : o.request}
        fields={["to_site", "reason"]}
        submit={(v) =>
          call(dialog === "reassign" ? "cases.reassign" : "cases.handover_request", {
            id: caseId,
            to_site: v.to_site ?? "",
            reason: v.reason ?? "",
          })
        }
        onCancel={() => setDialog(null)}
        onDone={done}
      >
        <Form.Item name="to_site" label={o.target} rules={[required]}>
          <Select options={targets} data-testid="handover-target" />
        </Form.Item>
        <Form.Item name="reason" label={o.reason} rules={[required]}>
          <Input.TextArea rows={2} maxLength={500} data-testid="handover-reason" />
        </Form.Item>
      </ActionDialog>
      <ActionDialog<Values>
        open={dialog === "grant" || dialog === "decline"}
        title={dialog === "grant" ? o.grant : ownership.mine && !isHq ? o.withdraw : o.decline}
        fields={["note"]}
        submit={(v) =>
          call(dialog === "grant" ? "cases.handover_grant" : "cases.handover_decline", {
            id: caseId,
            note: v.note || undefined,
          })
        }
        onCancel={() => setDialog(null)}
        onDone={done}
      >
        <Form.Item
          name="note"
          label={dialog === "grant" ? o.grantNote : o.declineReason}
          rules={dialog === "grant" ? [] : [required]}
        >
          <Input.TextArea rows={2} maxLength={500} data-testid="handover-note" />
        </Form.Item>
      </ActionDialog>
    </>
  );
}

/** Marks an entry held for review as reviewed, with an optional note. */
export function HeldReviewDialog({
  caseId,
  eventId,
  onCancel,
  onDone,
}: {
  caseId: string;
  eventId: string | null;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { m } = useI18n();
  return (
    <ActionDialog<{ note?: string }>
      open={eventId !== null}
      title={m.ownership.reviewTitle}
      fields={["note"]}
      submit={(v) => call("cases.held_review", { id: caseId, event_id: eventId ?? "", note: v.note || undefined })}
      onCancel={onCancel}
      onDone={onDone}
    >
      <Form.Item name="note" label={m.ownership.reviewNote}>
        <Input.TextArea rows={2} maxLength={500} data-testid="held-review-note" />
      </Form.Item>
    </ActionDialog>
  );
}
