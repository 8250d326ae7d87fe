import { FileExcelOutlined, ReloadOutlined } from "@ant-design/icons";
import { App, Button, Card, Empty, Flex, Form, InputNumber, Radio, Select, Space, Spin, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";

import {
  call,
  dialogs,
  OperationError,
  toOperationError,
  type KpiCode,
  type KpiValue,
  type ScorecardBy,
  type ScorecardLine,
} from "../../api";
import type { LedgerFilter } from "../../components/ledger/filter";
import { formatMoney } from "../../format";
import { useI18n } from "../../i18n";
import { FormModal, rowProps, useReloaded } from "../emergency/shared";
import { HIGHER_IS_BETTER, KPI_CODES, KpiHelp, kpiNumber, RATING_TAG, useKpiText, type OpenLedger } from "../kpi/shared";

const BY: ScorecardBy[] = ["department", "staff"];

/** What the scorecards offer for a line: a reward or penalty proposed for it. */
export interface ProposeFor {
  by: ScorecardBy;
  key: string;
  name: string;
}

interface TargetValues {
  kpi: KpiCode;
  goal?: number | null;
  limit?: number | null;
}

/** 设定目标 for a staff member: one KPI's goal and limit for the period shown. */
function StaffTargetModal({
  line,
  period,
  onClose,
  onSaved,
}: {
  line: { key: string; name: string } | null;
  period: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { m } = useI18n();
  const t = m.kpi.targets;
  const sc = m.supervision.scorecards;
  const [form] = Form.useForm<TargetValues>();
  const kpi = Form.useWatch("kpi", form) ?? "on_time_rate";
  const higher = HIGHER_IS_BETTER.has(kpi);
  const unit = m.kpi.unit[kpi].trim();
  const required = { required: true, message: m.supervision.required };

  const submit = async (v: TargetValues) => {
    try {
      return await call("kpi.target_set", {
        unit_id: line?.key ?? "",
        period,
        kpi: v.kpi,
        ...(v.goal !== null && v.goal !== undefined ? { goal: v.goal } : {}),
        ...(v.limit !== null && v.limit !== undefined ? { limit: v.limit } : {}),
      });
    } catch (e) {
      // A limit on the wrong side of the goal: the core says only which way it must be.
      const error = toOperationError(e);
      throw new OperationError({
        ...error.error,
        fields: error.fields.map((f) =>
          f.field === "limit" && f.code === "field.invalid" ? { ...f, message: HIGHER_IS_BETTER.has(v.kpi) ? t.limitHigher : t.limitLower } : f,
        ),
      });
    }
  };

  return (
    <FormModal<TargetValues, unknown>
      open={line !== null}
      form={form}
      title={sc.target.title(line?.name ?? "", period)}
      fields={["kpi", "goal", "limit"]}
      initialValues={{ kpi: "on_time_rate", goal: null, limit: null }}
      submitTestId="scorecard-target-submit"
      okText={t.save}
      intro={
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {sc.target.hint}
        </Typography.Paragraph>
      }
      submit={submit}
      onCancel={onClose}
      onDone={onSaved}
    >
      <Form.Item name="kpi" label={t.kpi} rules={[required]}>
        <Select<KpiCode>
          data-testid="scorecard-target-kpi"
          options={KPI_CODES.map((code) => ({ value: code, label: m.kpi.name[code] }))}
        />
      </Form.Item>
      <Space size="large" align="start" wrap>
        <Form.Item name="goal" label={t.goal} rules={[required]}>
          <InputNumber min={0} step={higher ? 0.5 : 1} suffix={unit} style={{ width: 180 }} data-testid="scorecard-target-goal" />
        </Form.Item>
        <Form.Item name="limit" label={t.limit} rules={[required]} extra={higher ? t.limitHigher : t.limitLower}>
          <InputNumber min={0} step={higher ? 0.5 : 1} suffix={unit} style={{ width: 180 }} data-testid="scorecard-target-limit" />
        </Form.Item>
      </Space>
    </FormModal>
  );
}

/**
 * 考核评分 (§七(二)2): each department's or staff member's KPIs for the period against their
 * targets, a score, and the rewards and penalties approved; exported to Excel.
 */
export function Scorecards({
  period,
  reloads: outside,
  mayPropose,
  maySetTargets,
  onOpenLedger,
  onPropose,
}: {
  period: string;
  /** Changes when rewards or penalties change elsewhere on the page. */
  reloads: number;
  mayPropose: boolean;
  maySetTargets: boolean;
  onOpenLedger: OpenLedger;
  onPropose: (line: ProposeFor) => void;
}) {
  const { m, lang } = useI18n();
  const s = m.supervision;
  const sc = s.scorecards;
  const k = m.kpi;
  const { message } = App.useApp();
  const text = useKpiText();
  const [by, setBy] = useState<ScorecardBy>("department");
  const [reloads, setReloads] = useState(0);
  const [exporting, setExporting] = useState(false);
  const [targetFor, setTargetFor] = useState<{ key: string; name: string } | null>(null);
  const { rows: data, loading } = useReloaded("scorecard.get", { period, by }, reloads + outside);

  const nameOf = (line: ScorecardLine) => line.kpi.name ?? line.kpi.key ?? "—";

  const exportXlsx = async () => {
    let path: string | null;
    try {
      path = await dialogs.saveSpreadsheet(sc.exportTitle, sc.fileName(period, sc.by[by]));
    } catch (err) {
      message.error(toOperationError(err).message);
      return;
    }
    if (!path) return;
    setExporting(true);
    try {
      const result = await call("scorecard.export", { period, by, path, lang });
      message.success({ content: sc.exported(result.rows, result.path), duration: 8 });
    } catch (err) {
      message.error(toOperationError(err).message);
    } finally {
      setExporting(false);
    }
  };

  const kpiCell = (line: ScorecardLine, kpi: KpiCode) => {
    const value: KpiValue | undefined = line.kpi.values.find((v) => v.kpi === kpi);
    const testId = `scorecard-cell-${line.kpi.key ?? "none"}-${kpi}`;
    if (!value) return <span data-testid={testId}>—</span>;
    const figure = kpiNumber(kpi, value.value);
    const title = [text.explain(value), text.target(value.target), value.rating ? k.rating[value.rating] : null]
      .filter(Boolean)
      .join(" · ");
    const shown = value.rating ? (
      <Tag color={RATING_TAG[value.rating]} style={{ marginInlineEnd: 0 }} className="num">
        {figure}
      </Tag>
    ) : (
      <span className="num">{figure}</span>
    );
    const cases = value.cases;
    if (!cases || value.value === null) {
      return (
        <span title={title} data-testid={testId} data-rating={value.rating ?? "none"}>
          {shown}
        </span>
      );
    }
    return (
      <Button
        type="link"
        size="small"
        style={{ padding: 0 }}
        title={`${title}\n${k.openHint}`}
        data-testid={testId}
        data-rating={value.rating ?? "none"}
        onClick={() => onOpenLedger(cases as LedgerFilter, sc.origin(k.name[kpi], data?.label ?? period, nameOf(line)))}
      >
        {shown}
      </Button>
    );
  };

  const money = (fen: number) => (fen === 0 ? "—" : formatMoney(fen));
  const withActions = mayPropose || (maySetTargets && by === "staff");
  const columns: ColumnsType<ScorecardLine> = [
    {
      key: "name",
      title: sc.by[by],
      fixed: "left",
      width: 150,
      ellipsis: true,
      render: (_, line) => <span data-testid="scorecard-name">{nameOf(line)}</span>,
    },
    { key: "received", title: sc.columns.received, width: 70, align: "right", className: "num", render: (_, l) => l.kpi.received },
    { key: "closed", title: sc.columns.closed, width: 70, align: "right", className: "num", render: (_, l) => l.kpi.closed },
    ...KPI_CODES.map((kpi) => ({
      key: kpi,
      title: (
        <Flex align="center" gap={2} justify="flex-end">
          <span>{k.name[kpi]}</span>
          <KpiHelp kpi={kpi} />
        </Flex>
      ),
      width: 120,
      align: "right" as const,
      render: (_: unknown, line: ScorecardLine) => kpiCell(line, kpi),
    })),
    {
      key: "score",
      title: sc.columns.score,
      width: 80,
      align: "right",
      sorter: (a, b) => (a.score ?? -1) - (b.score ?? -1),
      render: (_, l) =>
        l.score === null ? (
          <Typography.Text type="secondary" title={sc.noScore}>
            —
          </Typography.Text>
        ) : (
          <Typography.Text strong className="num" title={sc.scoreTitle(l.rated)} data-testid="scorecard-score">
            {l.score.toFixed(1)}
          </Typography.Text>
        ),
    },
    {
      key: "points",
      title: sc.columns.points,
      width: 100,
      align: "right",
      className: "num",
      render: (_, l) => (
        <span title={sc.pointsTitle}>
          <Typography.Text type={l.reward_points > 0 ? "success" : "secondary"}>+{l.reward_points}</Typography.Text>
          {" / "}
          <Typography.Text type={l.penalty_points > 0 ? "danger" : "secondary"}>−{l.penalty_points}</Typography.Text>
        </span>
      ),
    },
    { key: "reward", title: sc.columns.rewardAmount, width: 110, align: "right", className: "num", render: (_, l) => money(l.reward_fen) },
    { key: "penalty", title: sc.columns.penaltyAmount, width: 110, align: "right", className: "num", render: (_, l) => money(l.penalty_fen) },
    ...(withActions
      ? [
          {
            key: "actions",
            title: sc.columns.actions,
            width: 160,
            render: (_: unknown, line: ScorecardLine) => {
              const key = line.kpi.key;
              if (!key) return null;
              return (
                <Space size={4}>
                  {maySetTargets && by === "staff" && (
                    <Button
                      type="link"
                      size="small"
                      style={{ padding: 0 }}
                      onClick={() => setTargetFor({ key, name: nameOf(line) })}
                      data-testid="scorecard-set-target"
                    >
                      {sc.setTarget}
                    </Button>
                  )}
                  {mayPropose && (
                    <Button
                      type="link"
                      size="small"
                      style={{ padding: 0 }}
                      onClick={() => onPropose({ by, key, name: nameOf(line) })}
                      data-testid="scorecard-propose"
                    >
                      {sc.propose}
                    </Button>
                  )}
                </Space>
              );
            },
          },
        ]
      : []),
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Flex wrap gap={8} align="center">
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            aria-label={sc.byLabel}
            data-testid="scorecard-by"
            value={by}
            onChange={(e) => setBy(e.target.value as ScorecardBy)}
            options={BY.map((b) => ({ value: b, label: sc.by[b] }))}
          />
          <Button icon={<ReloadOutlined />} onClick={() => setReloads((n) => n + 1)} data-testid="scorecard-refresh">
            {s.refresh}
          </Button>
        </Flex>
        <Button icon={<FileExcelOutlined />} loading={exporting} onClick={() => void exportXlsx()} data-testid="scorecard-export">
          {sc.export}
        </Button>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {sc.hint}
      </Typography.Paragraph>
      {!data ? (
        <Card loading data-testid="scorecard-loading" />
      ) : (
        <Spin spinning={loading}>
          <Typography.Paragraph strong className="num" data-testid="scorecard-period">
            {sc.period(data.label)}
          </Typography.Paragraph>
          <Table<ScorecardLine>
            size="small"
            bordered
            rowKey={(l) => l.kpi.key ?? "none"}
            data-testid="scorecard-table"
            dataSource={data.lines}
            columns={columns}
            scroll={{ x: "max-content", y: 560 }}
            pagination={false}
            locale={{ emptyText: <Empty description={sc.noLines} /> }}
            onRow={(l) => rowProps("scorecard-row", l.kpi.key ?? "none")}
          />
        </Spin>
      )}
      {maySetTargets && (
        <StaffTargetModal
          line={targetFor}
          period={period}
          onClose={() => setTargetFor(null)}
          onSaved={() => {
            setTargetFor(null);
            message.success(sc.target.saved);
            setReloads((n) => n + 1);
          }}
        />
      )}
    </>
  );
}
