import { AlertOutlined, ReloadOutlined } from "@ant-design/icons";
import { App, Button, Card, Col, Collapse, Descriptions, Empty, Flex, Row, Space, Spin, Tag, Typography } from "antd";
import { useCallback, useEffect, useRef, useState } from "react";

import { call, type Alert, type AlertsResponse, type IncidentView, type OperationError } from "../../api";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { useCan } from "../../session";
import { RecordRiskButton, type RiskPrefill } from "../supervision/Risks";
import { DeclareModal, type DeclarePreset } from "./DeclareModal";
import { CaseTable, num, pValue } from "./shared";

/** An alert's key: its dimension and value. */
export const alertKey = (a: Pick<Alert, "dimension" | "value">) => `${a.dimension}:${a.value}`;

/** What an incident declared from an alert starts with: its title, evidence, cases and watch. */
function usePreset() {
  const { m } = useI18n();
  const e = m.emergency;
  return useCallback(
    (a: Alert): DeclarePreset => ({
      title: e.declare.alertTitle(a.label),
      kind: a.dimension === "product" ? "product_safety" : "other",
      level: "mass",
      summary: e.declare.alertSummary({
        from: formatDateTime(a.window_start),
        to: formatDateTime(a.window_end),
        hours: a.window_hours,
        dimension: e.dimension[a.dimension],
        label: a.label,
        observed: a.observed,
        expected: num(a.expected),
        ratio: num(a.ratio),
        p: pValue(a.p_value),
      }),
      watch: { dimension: a.dimension, value: a.value, label: a.label },
      origin: {
        dimension: a.dimension,
        value: a.value,
        label: a.label,
        window_hours: a.window_hours,
        window_start: a.window_start,
        window_end: a.window_end,
        observed: a.observed,
        expected: a.expected,
        p_value: a.p_value,
      },
      case_ids: a.case_ids,
    }),
    [e],
  );
}

/**
 * A risk point recorded from an alert (§二(四)1): what it showed (its dimension, value and name,
 * the window, observed against expected), described as the incident's summary would be.
 */
function useRiskPrefill() {
  const { m } = useI18n();
  const preset = usePreset();
  return useCallback(
    (a: Alert): RiskPrefill => ({
      source_kind: "alert",
      source: {
        dimension: a.dimension,
        value: a.value,
        label: a.label,
        window_hours: a.window_hours,
        window_start: a.window_start,
        window_end: a.window_end,
        observed: a.observed,
        expected: a.expected,
        ratio: a.ratio,
        p_value: a.p_value,
      },
      title: m.supervision.risks.fromAlert.title(a.label),
      description: preset(a).summary,
    }),
    [m, preset],
  );
}

/** One alert: the burst, its evidence, its cases, and what to do about it. */
function AlertCard({
  alert: a,
  threshold,
  focused,
  mayManage,
  riskPrefill,
  onDeclare,
  onOpenIncident,
}: {
  alert: Alert;
  threshold: number;
  focused: boolean;
  mayManage: boolean;
  /** For those who may record risk points: the record form's start from this alert. */
  riskPrefill: RiskPrefill | null;
  onDeclare: () => void;
  onOpenIncident: (id: string) => void;
}) {
  const { m } = useI18n();
  const e = m.emergency;
  const t = e.alerts;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView?.({ behavior: "smooth", block: "start" });
  }, [focused]);

  return (
    <div ref={ref}>
      <Card
        size="small"
        data-testid="alert-card"
        data-value={a.value}
        style={focused ? { borderColor: "#fa541c", boxShadow: "0 0 0 2px rgba(250,84,28,0.2)" } : undefined}
        title={
          <Space size={8} wrap>
            <AlertOutlined style={{ color: "#fa541c" }} />
            <Tag>{e.dimension[a.dimension]}</Tag>
            <span>{a.label}</span>
            {a.label !== a.value && a.dimension !== "product" && (
              <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 400 }}>
                {a.value}
              </Typography.Text>
            )}
            {a.incident && (
              <Tag color="red" data-testid="alert-incident-tag">
                {t.declaredAs(a.incident.incident_no)}
              </Tag>
            )}
          </Space>
        }
        extra={
          <Space size={8}>
            {riskPrefill && <RecordRiskButton {...riskPrefill} />}
            {a.incident ? (
              <Button
                size="small"
                onClick={() => a.incident && onOpenIncident(a.incident.id)}
                data-testid="alert-incident"
              >
                {t.openIncident}
              </Button>
            ) : (
              mayManage && (
                <Button type="primary" danger size="small" onClick={onDeclare} data-testid="alert-declare">
                  {t.declare}
                </Button>
              )
            )}
          </Space>
        }
      >
        <Typography.Paragraph strong style={{ fontSize: 15, marginBottom: 8 }} data-testid="alert-burst">
          {t.burst(a.window_hours, a.observed, num(a.expected), num(a.ratio))}
        </Typography.Paragraph>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 4 }}
          data-testid="alert-evidence"
          items={[
            {
              key: "window",
              label: t.window,
              children: (
                <span className="num">
                  {formatDateTime(a.window_start)} — {formatDateTime(a.window_end)}
                </span>
              ),
            },
            {
              key: "p",
              label: t.p,
              children: <span className="num">{t.pValue(pValue(a.p_value), pValue(threshold))}</span>,
            },
            { key: "baseline", label: t.baseline, children: t.baselineValue(num(a.baseline_expected, 2)) },
            {
              key: "season",
              label: t.seasonal,
              children: `${num(a.seasonal_factor, 2)}（${t.seasonalSource[a.seasonal_source] ?? a.seasonal_source}）`,
            },
          ]}
        />
        <Typography.Text strong style={{ display: "block", margin: "8px 0" }}>
          {t.cases(a.case_ids.length)}
          {a.cases.length < a.case_ids.length && (
            <Typography.Text type="secondary" style={{ fontWeight: 400, marginLeft: 8, fontSize: 12 }}>
              {t.casesShown(a.cases.length)}
            </Typography.Text>
          )}
        </Typography.Text>
        <CaseTable rows={a.cases} testId="alert-cases" pageSize={5} />
      </Card>
    </div>
  );
}

/** How alerts are raised, with this check's parameters. */
function Method({ data }: { data: AlertsResponse }) {
  const { m } = useI18n();
  const t = m.emergency.alerts;
  const x = data.method;
  return (
    <Collapse
      size="small"
      data-testid="alerts-method"
      items={[
        {
          key: "method",
          label: t.method,
          children: (
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {t
                .methodLines({
                  windows: x.windows_hours.join("、"),
                  baselineDays: x.baseline_days,
                  shiftDays: x.season_shift_days,
                  minSeasonCases: x.min_season_cases,
                  minExpected: num(x.min_expected, 2),
                  minCount: x.min_count,
                  minRatio: num(x.min_ratio, 2),
                  alpha: String(x.alpha),
                  tests: x.tests,
                  threshold: pValue(x.threshold),
                })
                .map((line) => (
                  <li key={line}>{line}</li>
                ))}
            </ul>
          ),
        },
      ]}
    />
  );
}

/** 预警: bursts of cases sharing a product, store or category, beyond what history predicts. */
export function Alerts({
  focus,
  reloads,
  mayManage,
  onOpenIncident,
  onDeclared,
  onCount,
}: {
  /** The alert to show first (`dimension:value`), opened from the workbench. */
  focus?: string | null;
  reloads: number;
  mayManage: boolean;
  onOpenIncident: (id: string) => void;
  onDeclared: (view: IncidentView) => void;
  /** How many alerts there are, once known. */
  onCount?: (n: number) => void;
}) {
  const { m } = useI18n();
  const t = m.emergency.alerts;
  const { message } = App.useApp();
  const preset = usePreset();
  const riskPrefill = useRiskPrefill();
  // Who may record risk points (as on the supervision page) may record one from an alert.
  const mayRecordRisk = useCan("supervision.manage");
  const [own, setOwn] = useState(0);
  // The alert being declared (kept while the dialog closes).
  const [declaring, setDeclaring] = useState<{ open: boolean; preset: DeclarePreset | null }>({ open: false, preset: null });
  // The last answer and the check it answers (while it is not the current one, one is on its way).
  const token = `${reloads}|${own}`;
  const [reply, setReply] = useState<{ token: string; data: AlertsResponse | null } | null>(null);

  useEffect(() => {
    let live = true;
    call("alerts.list", {})
      .then((data) => {
        if (!live) return;
        setReply({ token, data });
        onCount?.(data.alerts.length);
      })
      .catch((err: OperationError) => {
        if (!live) return;
        setReply((r) => ({ token, data: r?.data ?? null }));
        message.error(err.message);
      });
    return () => {
      live = false;
    };
  }, [token, message, onCount]);
  const data = reply?.data ?? null;
  const loading = reply?.token !== token;

  const alerts = data?.alerts ?? [];
  return (
    <Spin spinning={loading && data !== null}>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Space size={12} wrap>
          <Typography.Text strong data-testid="alerts-count">
            {data ? t.count(alerts.length) : loading ? t.loading : null}
          </Typography.Text>
          {data && (
            <Typography.Text type="secondary" className="num">
              {t.checkedAt(formatDateTime(data.at))}
            </Typography.Text>
          )}
        </Space>
        <Button icon={<ReloadOutlined />} onClick={() => setOwn((n) => n + 1)} loading={loading} data-testid="alerts-refresh">
          {t.refresh}
        </Button>
      </Flex>
      {data && <Method data={data} />}
      {!data && loading && <Card loading style={{ marginTop: 12 }} />}
      {data && alerts.length === 0 && (
        <Empty style={{ margin: "48px 0" }} description={t.empty} data-testid="alerts-empty">
          <Typography.Text type="secondary">{t.emptyHint}</Typography.Text>
        </Empty>
      )}
      <Row gutter={[16, 16]} style={{ marginTop: 12 }}>
        {alerts.map((a) => (
          <Col span={24} key={`${a.dimension}:${a.value}`}>
            <AlertCard
              alert={a}
              threshold={data?.method.threshold ?? 0}
              focused={focus === alertKey(a)}
              mayManage={mayManage}
              riskPrefill={mayRecordRisk ? riskPrefill(a) : null}
              onDeclare={() => setDeclaring({ open: true, preset: preset(a) })}
              onOpenIncident={onOpenIncident}
            />
          </Col>
        ))}
      </Row>
      <DeclareModal
        open={declaring.open}
        preset={declaring.preset}
        onClose={() => setDeclaring((d) => ({ ...d, open: false }))}
        onDeclared={(view) => {
          setDeclaring((d) => ({ ...d, open: false }));
          onDeclared(view);
        }}
      />
    </Spin>
  );
}
