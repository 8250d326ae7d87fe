import { Tag } from "antd";

import type { CaseStatus, Severity } from "../api";
import { useI18n } from "../i18n";

const STATUS_COLOR: Record<CaseStatus, string> = {
  received: "blue",
  investigating: "geekblue",
  planning: "purple",
  negotiating: "cyan",
  executing: "orange",
  feedback: "gold",
  closed: "green",
  withdrawn: "default",
  merged: "default",
};

const SEVERITY_COLOR: Record<Severity, string> = {
  general: "default",
  serious: "gold",
  major: "volcano",
  mass: "red",
};

export function StatusTag({ status }: { status: CaseStatus }) {
  const { m } = useI18n();
  return <Tag color={STATUS_COLOR[status]}>{m.labels.status[status]}</Tag>;
}

export function SeverityTag({ severity }: { severity: Severity }) {
  const { m } = useI18n();
  return <Tag color={SEVERITY_COLOR[severity]}>{m.labels.severity[severity]}</Tag>;
}
