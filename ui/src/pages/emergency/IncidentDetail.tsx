import { FilePdfOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Modal,
  Result,
  Row,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useState, type ReactNode } from "react";

import {
  call,
  toOperationError,
  type ContingencySource,
  type IncidentView,
  type NamedCount,
  type OperationError,
} from "../../api";
import { PdfPreview } from "../../components/PdfPreview";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { IncidentLinkCases } from "./IncidentLinkCases";
import { IncidentMeasures } from "./IncidentMeasures";
import { IncidentPlan } from "./IncidentPlan";
import { IncidentReports } from "./IncidentReports";
import { IncidentReview } from "./IncidentReview";
import { IncidentTimeline } from "./IncidentTimeline";
import { CaseTable, IncidentStatusTag, KindTag, LevelTag, num, pValue, Prose, testIdProps } from "./shared";

/** A live figure of the incident. */
function Figure({ title, value, testId, danger }: { title: string; value: ReactNode; testId: string; danger?: boolean }) {
  return (
    <Card size="small">
      <Statistic
        title={title}
        value={0}
        formatter={() => (
          <span data-testid={testId} className="num" style={danger ? { color: "#cf1322" } : undefined}>
            {value}
          </span>
        )}
      />
    </Card>
  );
}

function Counts({ items, testId }: { items: NamedCount[]; testId: string }) {
  const { m } = useI18n();
  if (items.length === 0) return <Typography.Text type="secondary">{m.emergency.none}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap data-testid={testId}>
      {items.map((x) => (
        <Tag key={x.name}>
          {x.name} <span className="num">{x.count}</span>
        </Tag>
      ))}
    </Space>
  );
}

/** Closing: confirmed first; the core's refusal (no review, reports outstanding) shown in place. */
function CloseDialog({
  view,
  open,
  onClose,
  onClosed,
}: {
  view: IncidentView;
  open: boolean;
  onClose: () => void;
  onClosed: (v: IncidentView) => void;
}) {
  const { m } = useI18n();
  const t = m.emergency.incident.close;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<OperationError | null>(null);
  const unreported = view.reports.filter((r) => !r.reported_at).length;

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      onClosed(await call("incidents.close", { id: view.id }));
    } catch (e) {
      setError(toOperationError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t.title(view.incident_no)}
      onCancel={onClose}
      destroyOnHidden
      afterOpenChange={(visible) => !visible && setError(null)}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {m.emergency.cancel}
        </Button>,
        <Button key="ok" type="primary" danger loading={busy} onClick={confirm} {...testIdProps("incident-close-confirm")}>
          {t.confirm}
        </Button>,
      ]}
    >
      <Typography.Paragraph>{t.text}</Typography.Paragraph>
      {(!view.review || unreported > 0) && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t.check}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {!view.review && <li>{t.noReview}</li>}
              {unreported > 0 && <li>{t.unreported(unreported)}</li>}
            </ul>
          }
        />
      )}
      {error && <Alert type="error" showIcon title={error.message} data-testid="incident-close-error" />}
    </Modal>
  );
}

/** An incident, opened from the list or an alert: its state, its handling, its record. */
export function IncidentDetail({
  id,
  onClose,
  onChanged,
  onRevisePlan,
  onOpenPlan,
}: {
  id: string | null;
  onClose: () => void;
  /** It changed (as it now is): lists reload. */
  onChanged: (view: IncidentView) => void;
  /** Opens the plan editor on the plan's latest version, answering this incident's review. */
  onRevisePlan: (planId: string, source: ContingencySource, changeNote: string) => void;
  onOpenPlan: (planId: string) => void;
}) {
  const { m } = useI18n();
  const e = m.emergency;
  const t = e.incident;
  const { can } = useSession();
  const mayManage = can("emergency.manage");
  const mayApprove = can("emergency.approve");
  const [loaded, setLoaded] = useState<{ id: string; view?: IncidentView; error?: OperationError } | null>(null);
  const [reloads, setReloads] = useState(0);
  const [closing, setClosing] = useState(false);
  const [printing, setPrinting] = useState(false);

  useEffect(() => {
    if (!id) return;
    let live = true;
    call("incidents.get", { id })
      .then((view) => live && setLoaded({ id, view }))
      .catch((error: OperationError) => live && setLoaded({ id, error }));
    return () => {
      live = false;
    };
  }, [id, reloads]);

  const onView = useCallback(
    (view: IncidentView) => {
      setLoaded({ id: view.id, view });
      onChanged(view);
    },
    [onChanged],
  );

  const current = loaded && loaded.id === id ? loaded : null;
  const view = current?.view ?? null;
  const editable = mayManage && view?.status === "open";
  const live = view?.live;

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size="min(1400px, 96vw)"
      destroyOnHidden
      data-testid="incident-detail"
      title={
        view ? (
          <Space size={8} wrap>
            <Typography.Text strong className="num" data-testid="incident-no">
              {view.incident_no}
            </Typography.Text>
            <span>{view.title}</span>
            <IncidentStatusTag status={view.status} testId="incident-status" />
            <KindTag kind={view.kind} />
            <LevelTag level={view.level} />
          </Space>
        ) : (
          t.loading
        )
      }
      extra={
        view && (
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => setReloads((n) => n + 1)} aria-label={t.refresh} data-testid="incident-refresh" />
            <Button icon={<FilePdfOutlined />} onClick={() => setPrinting(true)} data-testid="incident-pdf">
              {t.pdf}
            </Button>
            {mayApprove && view.status === "open" && (
              <Button type="primary" danger onClick={() => setClosing(true)} data-testid="incident-close">
                {t.close.button}
              </Button>
            )}
          </Space>
        )
      }
    >
      {current?.error && !view && <Result status="error" title={t.loadFailed} subTitle={current.error.message} />}
      {!current && <Skeleton active />}
      {view && live && (
        <Space orientation="vertical" size={16} style={{ width: "100%" }}>
          {view.status === "closed" && (
            <Alert
              type="success"
              showIcon
              title={t.closedBy(view.closed_by ?? "—", formatDateTime(view.closed_at))}
              data-testid="incident-closed"
            />
          )}
          <Row gutter={[12, 12]}>
            <Col xs={12} md={8} xl={4}>
              <Figure title={t.live.cases} value={live.cases} testId="incident-live-cases" />
            </Col>
            <Col xs={12} md={8} xl={5}>
              <Figure title={t.live.open} value={live.open_cases} testId="incident-live-open" />
            </Col>
            <Col xs={12} md={8} xl={5}>
              <Figure title={t.live.new24h} value={live.new_24h} testId="incident-live-new" danger={live.new_24h > 0 && view.status === "open"} />
            </Col>
            <Col xs={12} md={8} xl={5}>
              <Figure
                title={t.live.steps}
                value={live.steps_total > 0 ? `${live.steps_done}/${live.steps_total}` : "—"}
                testId="incident-live-steps"
              />
            </Col>
            <Col xs={12} md={8} xl={5}>
              <Figure
                title={t.live.overdueReports}
                value={live.reports_overdue}
                testId="incident-live-overdue"
                danger={live.reports_overdue > 0}
              />
            </Col>
          </Row>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={16}>
              <Space orientation="vertical" size={16} style={{ width: "100%" }}>
                <Card size="small" title={t.basics}>
                  <Descriptions
                    size="small"
                    column={{ xs: 1, lg: 2 }}
                    items={[
                      { key: "declared", label: t.declared, children: `${formatDateTime(view.declared_at)} · ${view.declared_by}` },
                      {
                        key: "watch",
                        label: t.watch,
                        children: view.watch ? t.watching(e.dimension[view.watch.dimension], view.watch.label) : t.noWatch,
                      },
                      { key: "summary", label: t.summary, span: "filled", children: <Prose text={view.summary} /> },
                      ...(view.origin
                        ? [
                            {
                              key: "origin",
                              label: t.origin,
                              span: "filled" as const,
                              children: (
                                <span data-testid="incident-origin">
                                  {t.originText(
                                    e.dimension[view.origin.dimension],
                                    view.origin.label,
                                    `${formatDateTime(view.origin.window_start)} — ${formatDateTime(view.origin.window_end)}`,
                                    e.alerts.burst(
                                      view.origin.window_hours,
                                      view.origin.observed,
                                      num(view.origin.expected),
                                      num(view.origin.observed / view.origin.expected),
                                    ),
                                    pValue(view.origin.p_value),
                                  )}
                                </span>
                              ),
                            },
                          ]
                        : []),
                    ]}
                  />
                </Card>
                <IncidentPlan view={view} editable={editable} onView={onView} onOpenPlan={onOpenPlan} />
                <IncidentReports view={view} editable={editable} onView={onView} />
                <IncidentMeasures view={view} editable={editable} onView={onView} />
                <IncidentReview
                  view={view}
                  editable={editable}
                  mayManage={mayManage}
                  onView={onView}
                  onRevisePlan={(planId, note) =>
                    onRevisePlan(planId, { kind: "incident", id: view.id, label: `${view.incident_no} ${view.title}` }, note)
                  }
                  onOpenPlan={onOpenPlan}
                />
                <Card
                  size="small"
                  title={t.cases(live.cases)}
                  data-testid="incident-cases"
                  extra={<IncidentLinkCases view={view} editable={editable} onView={onView} />}
                >
                  {live.cases > view.cases.length && (
                    <Typography.Paragraph type="secondary">{t.casesShown(view.cases.length)}</Typography.Paragraph>
                  )}
                  <CaseTable rows={view.cases} showAuto pageSize={10} />
                </Card>
              </Space>
            </Col>
            <Col xs={24} xl={8}>
              <Space orientation="vertical" size={16} style={{ width: "100%" }}>
                <Card size="small" title={t.affected}>
                  <Typography.Text strong style={{ display: "block", marginBottom: 4 }}>
                    {t.stores}
                  </Typography.Text>
                  <Counts items={live.stores} testId="incident-stores" />
                  <Typography.Text strong style={{ display: "block", margin: "12px 0 4px" }}>
                    {t.products}
                  </Typography.Text>
                  <Counts items={live.products} testId="incident-products" />
                </Card>
                <IncidentTimeline view={view} />
              </Space>
            </Col>
          </Row>
          <CloseDialog
            view={view}
            open={closing}
            onClose={() => setClosing(false)}
            onClosed={(v) => {
              setClosing(false);
              onView(v);
            }}
          />
          <PdfPreview
            open={printing}
            title={t.pdfTitle(view.incident_no)}
            load={() => call("incidents.pdf", { id: view.id })}
            onClose={() => setPrinting(false)}
          />
        </Space>
      )}
    </Drawer>
  );
}
