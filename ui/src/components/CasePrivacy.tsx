// A case's consumer and their personal data (PIPL): the legal hold that keeps it past the
// retention period, and, at the consumer's request, its export and its anonymisation.
import { Alert, App, Button, Form, Input, Popconfirm, Space, Typography } from "antd";
import { useRef, useState } from "react";

import { call, dialogs, toOperationError, type CaseDetail, type ConsumerExportResult } from "../api";
import { useI18n } from "../i18n";
import { ActionDialog } from "./handling/common";

type Dialog = "hold" | "export" | "anonymise" | null;

/**
 * The banners (anonymised; under legal hold) for everyone who sees the case, and for those who
 * manage personal data (`canManage`) the actions.
 */
export function CasePrivacy({
  detail,
  canManage,
  onChanged,
}: {
  detail: CaseDetail;
  canManage: boolean;
  /** After a change: the case is loaded again. */
  onChanged: () => void;
}) {
  const { m } = useI18n();
  const p = m.caseDetail.privacy;
  const { message } = App.useApp();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [lifting, setLifting] = useState(false);
  // What the export wrote; none while the save dialog was cancelled (the form stays open).
  const exported = useRef<ConsumerExportResult | null>(null);
  const caseId = detail.case.id;
  const required = { required: true, whitespace: true, message: m.auth.required };

  const lift = async () => {
    setLifting(true);
    try {
      await call("cases.legal_hold", { id: caseId });
      message.success(p.holdLifted);
      onChanged();
    } catch (e) {
      message.error(toOperationError(e).message);
    } finally {
      setLifting(false);
    }
  };

  const holdActions = canManage && (
    <Space>
      <Button size="small" onClick={() => setDialog("hold")} data-testid="legal-hold-edit">
        {p.editHold}
      </Button>
      <Popconfirm
        title={p.liftConfirm}
        description={p.liftConfirmHint}
        onConfirm={lift}
        okButtonProps={{ "data-testid": "legal-hold-lift-ok" } as React.ComponentProps<typeof Button>}
      >
        <Button size="small" loading={lifting} data-testid="legal-hold-lift">
          {p.liftHold}
        </Button>
      </Popconfirm>
    </Space>
  );

  return (
    <>
      {detail.anonymised && (
        <Alert type="info" showIcon title={p.anonymisedBanner} data-testid="anonymised-banner" />
      )}
      {detail.legal_hold && (
        <Alert
          type="warning"
          showIcon
          title={p.holdBanner(detail.legal_hold)}
          description={p.holdBannerHint}
          action={holdActions}
          data-testid="legal-hold-banner"
        />
      )}
      {canManage && !detail.anonymised && (
        <Space wrap data-testid="case-privacy">
          <Typography.Text type="secondary">{p.section}</Typography.Text>
          {!detail.legal_hold && (
            <Button size="small" onClick={() => setDialog("hold")} data-testid="legal-hold-set">
              {p.setHold}
            </Button>
          )}
          <Button size="small" onClick={() => setDialog("export")} data-testid="consumer-export">
            {p.export}
          </Button>
          <Button size="small" danger onClick={() => setDialog("anonymise")} data-testid="consumer-anonymise">
            {p.anonymise}
          </Button>
        </Space>
      )}

      <ActionDialog<{ reason: string }>
        open={dialog === "hold"}
        title={p.holdTitle}
        fields={["reason"]}
        initialValues={{ reason: detail.legal_hold ?? "" }}
        intro={<Typography.Paragraph type="secondary">{p.holdIntro}</Typography.Paragraph>}
        submit={(v) => call("cases.legal_hold", { id: caseId, reason: v.reason.trim() })}
        onCancel={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          message.success(p.holdSet);
          onChanged();
        }}
      >
        <Form.Item name="reason" label={p.holdReason} rules={[required]}>
          <Input.TextArea rows={2} maxLength={500} autoFocus placeholder={p.holdReasonHint} data-testid="legal-hold-reason" />
        </Form.Item>
      </ActionDialog>

      <ActionDialog<{ note: string }>
        open={dialog === "export"}
        title={p.export}
        fields={["note"]}
        okText={p.exportOk}
        intro={<Typography.Paragraph type="secondary">{p.exportIntro}</Typography.Paragraph>}
        submit={async (v) => {
          exported.current = null;
          const path = await dialogs.saveJson(p.export, p.exportFileName(detail.case.case_no));
          if (!path) return;
          exported.current = await call("consumers.export", { case_id: caseId, path, note: v.note.trim() });
        }}
        onCancel={() => setDialog(null)}
        onDone={() => {
          const result = exported.current;
          if (!result) return; // the save dialog was cancelled: the form stays
          setDialog(null);
          message.success(p.exported(result.cases, result.path));
          onChanged();
        }}
      >
        <Form.Item name="note" label={p.request} rules={[required]}>
          <Input.TextArea rows={2} maxLength={1000} autoFocus placeholder={p.requestHint} data-testid="consumer-export-note" />
        </Form.Item>
      </ActionDialog>

      <ActionDialog<{ note: string }>
        open={dialog === "anonymise"}
        title={p.anonymise}
        fields={["note"]}
        okText={p.anonymiseOk}
        danger
        intro={<Alert type="warning" showIcon title={p.anonymiseWarning} style={{ marginBottom: 12 }} />}
        submit={(v) => call("consumers.anonymise", { case_id: caseId, note: v.note.trim() })}
        onCancel={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          message.success(p.anonymisedDone);
          onChanged();
        }}
      >
        <Form.Item name="note" label={p.request} rules={[required]}>
          <Input.TextArea rows={2} maxLength={1000} autoFocus placeholder={p.requestHint} data-testid="consumer-anonymise-note" />
        </Form.Item>
      </ActionDialog>
    </>
  );
}
