import { SafetyCertificateOutlined } from "@ant-design/icons";
import { Alert, App, Button, Space, Typography } from "antd";
import { useState } from "react";

import { call, type AuditReport, type OperationError } from "../../api";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";

/** 审计校验: re-checks the hash chain and names the first broken link. */
export function Audit() {
  const { m } = useI18n();
  const t = m.admin.audit;
  const { message } = App.useApp();
  const [report, setReport] = useState<AuditReport | null>(null);
  const [busy, setBusy] = useState(false);

  const verify = async () => {
    setBusy(true);
    try {
      setReport(await call("audit.verify", {}));
    } catch (e) {
      message.error((e as OperationError).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
      <Button type="primary" icon={<SafetyCertificateOutlined />} loading={busy} onClick={verify} data-testid="audit-verify">
        {t.verify}
      </Button>
      {report && (
        <Alert
          data-testid="audit-result"
          showIcon
          type={report.intact ? "success" : "error"}
          message={
            report.intact || !report.broken
              ? t.intact(report.events_checked)
              : t.broken(report.broken.site_id, report.broken.site_seq, report.broken.detail)
          }
          description={`${t.checkedAt} ${formatDateTime(report.checked_at)}`}
        />
      )}
    </Space>
  );
}
