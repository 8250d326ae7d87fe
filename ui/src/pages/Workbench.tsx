import { AlertOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Col, Flex, List, Row, Space, Spin, Statistic, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import dayjs from "dayjs";
import { lazy, Suspense, useCallback, useEffect, useState, type HTMLAttributes } from "react";

import {
  call,
  type AlertsResponse,
  type ApprovalView,
  type CaseRow,
  type Hotspot,
  type HotspotsResponse,
  type KpiCode,
  type KpiResponse,
  type OperationError,
  type OwnershipReview,
  type StatsResponse,
  type StepView,
  type WorkList,
} from "../api";
import { useCodes } from "../codes";
import { CaseDrawer } from "../components/CaseDrawer";
import { chinaToday } from "../components/handling/common";
import type { LedgerFilter } from "../components/ledger/filter";
import { StatusTag } from "../components/labels";
import { formatDateTime, formatMoney } from "../format";
import { useI18n } from "../i18n";
import { useSession } from "../session";
import { KpiTiles, count, type OpenLedger } from "./kpi/shared";
import { num } from "./emergency/shared";
import { HotspotRiskButton, expectedText, hotspotId, useHotspotText } from "./stats/shared";

// The charting library is loaded when the trend first shows, in a chunk of its own (the
// workbench is the first screen: it does not wait for it).
const Chart = lazy(() => import("../components/charts/Chart").then((module) => ({ default: module.Chart })));

interface Figures {
  total: number;
  open: number;
  overdue: number;
  closed: number;
  recent: CaseRow[];
}

/** The KPIs a person checks first, for the current month. */
const WORKBENCH_KPIS: KpiCode[] = ["on_time_rate", "satisfaction_rate", "mean_handling_days", "overdue"];

/** Hotspots listed at most. */
const WORKBENCH_HOTSPOTS = 5;
/** Alerts listed at most (the emergency page lists them all). */
const WORKBENCH_ALERTS = 5;

/** Props for a table row: antd types `onRow` without `data-*` attributes. */
const rowProps = (testId: string) => ({ "data-testid": testId }) as HTMLAttributes<HTMLElement>;

/** 工作台: the figures a person checks first, and their own work: cases, steps, approvals. */
export function Workbench({
  onOpenLedger,
  onOpenCases,
  onOpenEmergency,
}: {
  onOpenLedger: () => void;
  /** Lists the cases behind a KPI in the ledger: its filter, and the KPI in words. */
  onOpenCases: OpenLedger;
  /** Opens emergency management on an alert (`dimension:value`). */
  onOpenEmergency?: (alert: string) => void;
}) {
  const { m } = useI18n();
  const codes = useCodes();
  const { can } = useSession();
  const { message } = App.useApp();
  const [figures, setFigures] = useState<Figures | null>(null);
  const [work, setWork] = useState<WorkList | null>(null);
  const [reloads, setReloads] = useState(0);
  const [openCase, setOpenCase] = useState<string | null>(null);
  // This month's KPIs: on their own, so that the rest of the page never waits for them.
  const [kpi, setKpi] = useState<KpiResponse | "failed" | null>(null);
  // This month's hotspots and the last twelve months' trend: on their own as well; a failure
  // leaves them out.
  const [hotspots, setHotspots] = useState<HotspotsResponse | null>(null);
  const [trend, setTrend] = useState<StatsResponse | "failed" | null>(null);
  // Early warnings of mass disputes: on their own as well; a failure leaves them out.
  const [alerts, setAlerts] = useState<AlertsResponse | null>(null);
  // Hand-overs to decide and entries held for review: on their own as well.
  const [review, setReview] = useState<OwnershipReview | null>(null);
  const mayView = can("case.view");
  // Who may record risk points (as on the supervision page) may record one from a hotspot.
  const mayRecordRisk = can("supervision.manage");
  const hotspotText = useHotspotText();

  useEffect(() => {
    Promise.all([
      call("cases.list", { limit: 8 }),
      call("cases.list", { limit: 1, open: true }),
      call("cases.list", { limit: 1, overdue: true }),
      call("cases.list", { limit: 1, status: "closed" }),
    ])
      .then(([all, open, overdue, closed]) =>
        setFigures({ total: all.total, open: open.total, overdue: overdue.total, closed: closed.total, recent: all.items }),
      )
      .catch((e: OperationError) => message.error(e.message));
    call("work.list", {})
      .then(setWork)
      .catch((e: OperationError) => message.error(e.message));
  }, [message, reloads]);

  useEffect(() => {
    if (!mayView) return;
    let live = true;
    call("kpi.summary", { period: chinaToday().slice(0, 7) })
      .then((data) => live && setKpi(data))
      .catch(() => live && setKpi("failed"));
    return () => {
      live = false;
    };
  }, [mayView, reloads]);

  useEffect(() => {
    if (!mayView) return;
    let live = true;
    call("stats.hotspots", { period: chinaToday().slice(0, 7) })
      .then((data) => live && setHotspots(data))
      .catch(() => live && setHotspots(null));
    return () => {
      live = false;
    };
  }, [mayView, reloads]);

  const mayHandle = can("case.handle");
  useEffect(() => {
    if (!mayHandle) return;
    let live = true;
    call("ownership.review", {})
      .then((data) => live && setReview(data))
      .catch(() => live && setReview(null));
    return () => {
      live = false;
    };
  }, [mayHandle, reloads]);

  useEffect(() => {
    if (!mayView) return;
    let live = true;
    call("alerts.list", {})
      .then((data) => live && setAlerts(data))
      .catch(() => live && setAlerts(null));
    return () => {
      live = false;
    };
  }, [mayView, reloads]);

  useEffect(() => {
    if (!mayView) return;
    let live = true;
    const today = chinaToday();
    const from = dayjs(today).startOf("month").subtract(11, "month").format("YYYY-MM-DD");
    call("stats.summary", { from, to: today, dimensions: [], by: "month" })
      .then((data) => live && setTrend(data))
      .catch(() => live && setTrend("failed"));
    return () => {
      live = false;
    };
  }, [mayView, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const canApprove = can("compensation.approve");
  const w = m.workbench;
  const t = m.work;
  const today = chinaToday();

  /** A case number that opens the case, from the keyboard as well. */
  const caseLink = (id: string, caseNo: string) => (
    <Button
      type="link"
      size="small"
      className="case-link num"
      style={{ padding: 0 }}
      aria-label={m.caseDetail.openCase(caseNo)}
      onClick={() => setOpenCase(id)}
    >
      {caseNo}
    </Button>
  );

  const dueTags = (row: CaseRow) => (
    <Space size={4}>
      <span className="num">{formatDateTime(row.due_at)}</span>
      {row.overdue && <Tag color="red">{m.ledger.overdueTag}</Tag>}
      {row.at_risk && <Tag color="orange">{m.ledger.atRiskTag}</Tag>}
    </Space>
  );

  const caseColumns = (withHandler: boolean): ColumnsType<CaseRow> => [
    { key: "case_no", title: t.columns.case_no, width: 160, render: (_, r) => caseLink(r.id, r.case_no) },
    { key: "status", title: t.columns.status, width: 96, render: (_, r) => <StatusTag status={r.status} /> },
    { key: "product", title: t.columns.product, dataIndex: "product_name", ellipsis: true },
    ...(withHandler ? [{ key: "handler", title: t.columns.handler, dataIndex: "handler", width: 80 }] : []),
    { key: "due", title: t.columns.due, width: 200, render: (_, r) => dueTags(r) },
  ];

  const stepColumns = (withResponsible: boolean): ColumnsType<StepView> => [
    { key: "case_no", title: t.columns.case_no, width: 160, render: (_, s) => caseLink(s.case_id, s.case_no) },
    { key: "step", title: t.columns.step, dataIndex: "title", ellipsis: true },
    ...(withResponsible ? [{ key: "responsible", title: t.columns.responsible, dataIndex: "responsible_name", width: 80 }] : []),
    {
      key: "due_on",
      title: t.columns.dueOn,
      width: 170,
      render: (_, s) => (
        <Space size={4}>
          <Typography.Text className="num" type={s.overdue ? "danger" : undefined} strong={s.overdue}>
            {s.due_on}
          </Typography.Text>
          {s.overdue && <Tag color="red">{m.handling.step.overdue}</Tag>}
          {!s.overdue && s.due_on === today && <Tag color="orange">{m.handling.step.dueToday}</Tag>}
        </Space>
      ),
    },
  ];

  const approvalColumns: ColumnsType<ApprovalView> = [
    { key: "case_no", title: t.columns.case_no, width: 160, render: (_, a) => caseLink(a.case_id, a.case_no) },
    { key: "version", title: t.columns.version, width: 60, render: (_, a) => `v${a.version}` },
    { key: "summary", title: t.columns.summary, dataIndex: "summary", ellipsis: true },
    { key: "money", title: t.columns.money, width: 120, align: "right", className: "num", render: (_, a) => formatMoney(a.money_fen) },
    { key: "author", title: t.columns.author, dataIndex: "author", width: 80 },
  ];

  const mySteps = work?.steps ?? [];
  const overdueSteps = mySteps.filter((s) => s.overdue).length;
  const todaySteps = mySteps.filter((s) => !s.overdue && s.due_on === today).length;
  const unitCases = work?.unit_overdue_cases ?? [];
  const unitSteps = work?.unit_overdue_steps ?? [];
  const hotspotItems = hotspots?.items ?? [];
  const openHotspot = (h: Hotspot) => onOpenCases(h.cases as LedgerFilter, hotspotText.origin(h, hotspots?.label ?? ""));
  const small = { size: "small" as const, pagination: false as const, scroll: { y: 240 }, locale: { emptyText: t.none } };

  return (
    <div className="page">
      <Row gutter={16}>
        {(
          [
            ["total", w.totalCases, undefined],
            ["open", w.open, "#1677ff"],
            ["overdue", w.overdue, "#cf1322"],
            ["closed", w.closed, "#389e0d"],
          ] as const
        ).map(([key, title, color]) => (
          <Col span={6} key={key}>
            <Card data-testid={`figure-${key}`}>
              <Statistic title={title} value={figures?.[key] ?? 0} loading={!figures} valueStyle={{ color }} />
            </Card>
          </Col>
        ))}
      </Row>
      {alerts && alerts.alerts.length > 0 && (
        <Card
          size="small"
          style={{ marginTop: 16, borderColor: "#ffbb96" }}
          title={
            <Space size={8}>
              <AlertOutlined style={{ color: "#fa541c" }} />
              <span>{w.alerts(alerts.alerts.length)}</span>
            </Space>
          }
          extra={<Typography.Text type="secondary">{w.alertsHint}</Typography.Text>}
          data-testid="workbench-alerts"
        >
          <Space orientation="vertical" size={4} style={{ width: "100%" }}>
            {alerts.alerts.slice(0, WORKBENCH_ALERTS).map((a) => (
              <Flex
                key={`${a.dimension}:${a.value}`}
                align="center"
                justify="space-between"
                gap={8}
                wrap
                data-testid="workbench-alert"
                data-value={a.value}
              >
                <Space size={8} wrap>
                  <Tag color="volcano">{m.emergency.dimension[a.dimension]}</Tag>
                  <Typography.Text strong>
                    {w.alertLine(a.label, m.emergency.alerts.burst(a.window_hours, a.observed, num(a.expected), num(a.ratio)))}
                  </Typography.Text>
                  {a.incident && <Tag color="red">{w.alertDeclared(a.incident.incident_no)}</Tag>}
                </Space>
                {onOpenEmergency && (
                  <Button
                    size="small"
                    type="link"
                    onClick={() => onOpenEmergency(`${a.dimension}:${a.value}`)}
                    data-testid="workbench-alert-open"
                  >
                    {w.alertOpen}
                  </Button>
                )}
              </Flex>
            ))}
            {alerts.alerts.length > WORKBENCH_ALERTS && (
              <Typography.Text type="secondary">{w.alertsMore(alerts.alerts.length - WORKBENCH_ALERTS)}</Typography.Text>
            )}
          </Space>
        </Card>
      )}
      {hotspots && hotspotItems.length > 0 && (
        <Card
          size="small"
          style={{ marginTop: 16 }}
          title={w.hotspots(hotspots.label)}
          extra={<Typography.Text type="secondary">{w.hotspotsHint}</Typography.Text>}
          data-testid="workbench-hotspots"
        >
          <Space orientation="vertical" style={{ width: "100%" }}>
            {hotspotItems.slice(0, WORKBENCH_HOTSPOTS).map((h) => (
              <Alert
                key={hotspotId(h)}
                type="warning"
                showIcon
                title={w.hotspotLine(hotspotText.name(h), count(h.observed), expectedText(h.expected))}
                onClick={() => openHotspot(h)}
                style={{ cursor: "pointer" }}
                // No handler of its own: the click reaches the alert (from the keyboard as well).
                action={
                  <Space size={4}>
                    {mayRecordRisk && <HotspotRiskButton hotspot={h} period={hotspots.label} />}
                    <Button size="small" type="link">
                      {w.hotspotOpen}
                    </Button>
                  </Space>
                }
                data-testid={`workbench-hotspot-${hotspotId(h)}`}
              />
            ))}
            {hotspotItems.length > WORKBENCH_HOTSPOTS && (
              <Typography.Text type="secondary" data-testid="workbench-hotspots-more">
                {w.hotspotsMore(hotspotItems.length - WORKBENCH_HOTSPOTS)}
              </Typography.Text>
            )}
          </Space>
        </Card>
      )}
      {mayView && kpi !== "failed" && (
        <div data-testid="workbench-kpi">
          <Typography.Title level={5} style={{ margin: "20px 0 12px" }}>
            {w.kpi(kpi?.label ?? chinaToday().slice(0, 7))}
          </Typography.Title>
          {kpi ? (
            <KpiTiles
              line={kpi.total}
              period={kpi.label}
              kpis={WORKBENCH_KPIS}
              onOpen={onOpenCases}
              span={{ xs: 24, sm: 12, xl: 6 }}
            />
          ) : (
            <Card size="small" loading data-testid="workbench-kpi-loading" />
          )}
        </div>
      )}
      {kpi === "failed" && (
        <Typography.Paragraph type="secondary" style={{ margin: "12px 0 0" }} data-testid="workbench-kpi-failed">
          {w.kpiFailed}
        </Typography.Paragraph>
      )}
      {mayView && trend !== "failed" && (
        <Card
          size="small"
          style={{ marginTop: 16 }}
          title={w.trend}
          extra={<Typography.Text type="secondary">{w.trendHint}</Typography.Text>}
          loading={trend === null}
          data-testid="workbench-trend"
        >
          {trend && (
            <Suspense fallback={<Spin style={{ display: "block", padding: 48 }} />}>
              <Chart
                kind="bar"
                data={trend.trend.map((p) => ({ name: p.label, value: p.count }))}
                title={w.trend}
                seriesName={m.stats.columns.count}
                height={220}
                onPick={(i) => {
                  const p = trend.trend[i];
                  if (p) onOpenCases(p.cases as LedgerFilter, m.stats.origin.within(m.stats.origin.all, p.period.from, p.period.to));
                }}
                testId="workbench-trend-chart"
              />
            </Suspense>
          )}
        </Card>
      )}
      {trend === "failed" && (
        <Typography.Paragraph type="secondary" style={{ margin: "12px 0 0" }} data-testid="workbench-trend-failed">
          {w.trendFailed}
        </Typography.Paragraph>
      )}
      <Typography.Title level={5} style={{ margin: "20px 0 12px" }}>
        {t.title}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t.cases} extra={work && t.count(work.cases.length)} data-testid="work-cases">
            <Table<CaseRow>
              {...small}
              rowKey="id"
              loading={!work}
              dataSource={work?.cases ?? []}
              columns={caseColumns(false)}
              onRow={(r) => rowProps(`work-case-${r.case_no}`)}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={t.steps}
            extra={
              <Space size={4}>
                {overdueSteps > 0 && <Tag color="red">{t.overdue(overdueSteps)}</Tag>}
                {todaySteps > 0 && <Tag color="orange">{t.dueToday(todaySteps)}</Tag>}
              </Space>
            }
            data-testid="work-steps"
          >
            <Table<StepView>
              {...small}
              rowKey="id"
              loading={!work}
              dataSource={mySteps}
              columns={stepColumns(false)}
              rowClassName={(s) => (s.overdue ? "step-overdue" : "")}
              onRow={(s) => rowProps(`work-step-${s.case_no}-${s.position}`)}
            />
          </Card>
        </Col>
        {canApprove && (
          <Col xs={24} xl={12}>
            <Card size="small" title={t.approvals} extra={work && t.count(work.approvals.length)} data-testid="work-approvals">
              <Table<ApprovalView>
                {...small}
                rowKey="plan_id"
                loading={!work}
                dataSource={work?.approvals ?? []}
                columns={approvalColumns}
                onRow={(a) => rowProps(`work-approval-${a.case_no}-v${a.version}`)}
              />
            </Card>
          </Col>
        )}
        {review && review.handovers.length + review.held.length > 0 && (
          <Col xs={24} xl={12}>
            <Card size="small" title={m.ownership.workTitle} data-testid="work-ownership">
              <List
                size="small"
                dataSource={[
                  ...review.handovers.map((h) => ({
                    key: `handover-${h.case_id}`,
                    caseId: h.case_id,
                    caseNo: h.case_no,
                    text: m.ownership.handoverItem(h.from_label, h.to_label, h.reason),
                  })),
                  ...review.held.map((h) => ({
                    key: `held-${h.event_id}`,
                    caseId: h.case_id,
                    caseNo: h.case_no,
                    text: m.ownership.heldItem(h.site_label, m.labels.eventKind[h.kind] ?? h.kind),
                  })),
                ]}
                renderItem={(item) => (
                  <List.Item key={item.key} data-testid={`work-ownership-${item.key}`}>
                    <Space size={8} wrap>
                      <a className="num" onClick={() => setOpenCase(item.caseId)}>
                        {item.caseNo}
                      </a>
                      <Typography.Text>{item.text}</Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            </Card>
          </Col>
        )}
        {(unitCases.length > 0 || unitSteps.length > 0) && (
          <Col xs={24} xl={12}>
            <Card size="small" title={t.unit} data-testid="work-unit">
              {unitCases.length > 0 && (
                <>
                  <Typography.Text strong>{t.unitCases}</Typography.Text>
                  <Table<CaseRow>
                    {...small}
                    rowKey="id"
                    dataSource={unitCases}
                    columns={caseColumns(true)}
                    onRow={(r) => rowProps(`work-unit-case-${r.case_no}`)}
                  />
                </>
              )}
              {unitSteps.length > 0 && (
                <>
                  <Typography.Text strong style={{ display: "block", marginTop: unitCases.length > 0 ? 12 : 0 }}>
                    {t.unitSteps}
                  </Typography.Text>
                  <Table<StepView>
                    {...small}
                    rowKey="id"
                    dataSource={unitSteps}
                    columns={stepColumns(true)}
                    onRow={(s) => rowProps(`work-unit-step-${s.case_no}-${s.position}`)}
                  />
                </>
              )}
            </Card>
          </Col>
        )}
      </Row>
      <Card
        style={{ marginTop: 16 }}
        title={w.recent}
        extra={
          <Button type="link" onClick={onOpenLedger}>
            {w.viewLedger}
          </Button>
        }
      >
        <List
          loading={!figures}
          dataSource={figures?.recent ?? []}
          renderItem={(row) => (
            <List.Item key={row.id}>
              <Space size="middle">
                <Typography.Text className="num">{row.case_no}</Typography.Text>
                <StatusTag status={row.status} />
                <Typography.Text>{row.product_name}</Typography.Text>
                <Typography.Text type="secondary">{codes.label("category", row.category)}</Typography.Text>
              </Space>
              <Typography.Text type="secondary" className="num">
                {formatDateTime(row.received_at)}
              </Typography.Text>
            </List.Item>
          )}
        />
      </Card>
      <CaseDrawer
        caseId={openCase}
        onClose={() => setOpenCase(null)}
        canHandle={can("case.handle")}
        canWork={can("case.intake") || can("case.handle")}
        canApprove={canApprove}
        onChanged={reload}
        onOpenCase={setOpenCase}
      />
    </div>
  );
}
