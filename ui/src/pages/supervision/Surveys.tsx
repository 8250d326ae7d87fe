import { FileSearchOutlined, ImportOutlined, QuestionCircleOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Radio,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import dayjs, { type Dayjs } from "dayjs";
import { lazy, Suspense, useState } from "react";

import {
  call,
  dialogs,
  toOperationError,
  unquotePath,
  type RowProblem,
  type SurveyBatchView,
  type SurveyBy,
  type SurveyCell,
  type SurveyImportReport,
  type SurveyScale,
  type SurveySeries,
  type SurveySummaryRequest,
} from "../../api";
import { PastedPath } from "../../components/PastedPath";
import { FormModal, useRules } from "../../components/FormModal";
import { chinaToday } from "../../components/handling/common";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { rowProps, useReloaded } from "../emergency/shared";

// The charting library: loaded when a summary with results is first shown.
const Chart = lazy(() => import("../../components/charts/Chart").then((module) => ({ default: module.Chart })));

const SCALES: SurveyScale[] = ["five", "hundred"];
const BYS: SurveyBy[] = ["store", "product"];

/** The core names the columns it recognised in Chinese; these are their keys in the messages. */
const CORE_COLUMNS: Record<string, "date" | "store" | "product" | "score" | "responses"> = {
  日期: "date",
  门店: "store",
  商品: "product",
  评分: "score",
  样本数: "responses",
};

/** A score on the 100-point scale, one decimal; `—` without responses. */
export const scoreText = (score: number | null) => (score === null ? "—" : score.toFixed(1));

/** Pearson's r, two decimals; `—` when the core had too few months or nothing varied. */
export const correlationText = (r: number | null) => (r === null ? "—" : r.toFixed(2));

/** The first and last day of a file, once when they are the same. */
const daysText = (first: string | null, last: string | null) =>
  first === null || last === null ? "—" : first === last ? first : `${first} ~ ${last}`;

/** A month `YYYY-MM` as the picker holds it. */
const monthOf = (month: string) => dayjs(`${month}-01`);

/** 检查与导入: a file picked through the shell's dialog, checked (dry run), then imported. */
function ImportCard({ onImported }: { onImported: () => void }) {
  const { m } = useI18n();
  const t = m.supervision.surveys;
  const { message } = App.useApp();
  const [scale, setScale] = useState<SurveyScale>("five");
  const [path, setPath] = useState<string | null>(null);
  const [typed, setTyped] = useState("");
  const [report, setReport] = useState<SurveyImportReport | null>(null);
  const [busy, setBusy] = useState<"check" | "import" | null>(null);

  const send = (file: string, sc: SurveyScale, dryRun: boolean) =>
    call("surveys.import", { path: file, scale: sc, encoding: "auto", dry_run: dryRun });

  /** Checks the file on the scale: what it holds, or what is wrong with its rows. */
  const check = async (file: string, sc: SurveyScale) => {
    setBusy("check");
    setReport(null);
    try {
      setReport(await send(file, sc, true));
    } catch (e) {
      message.error(toOperationError(e).message);
    } finally {
      setBusy(null);
    }
  };

  const pick = async () => {
    let chosen: string | null;
    try {
      chosen = await dialogs.pickSpreadsheet(t.pickTitle);
    } catch (e) {
      message.error(toOperationError(e).message);
      return;
    }
    if (!chosen) return;
    setPath(chosen);
    await check(chosen, scale);
  };

  /** A path typed or pasted (a file on a share, say) is checked as a picked one is. */
  const checkTyped = async () => {
    const file = unquotePath(typed);
    if (file === "") return;
    setPath(file);
    await check(file, scale);
  };

  /** Another scale reads the scores otherwise: the file is checked again. */
  const changeScale = async (sc: SurveyScale) => {
    setScale(sc);
    if (path) await check(path, sc);
  };

  const importNow = async () => {
    if (!path) return;
    setBusy("import");
    try {
      const done = await send(path, scale, false);
      if (done.problems.length > 0 || done.batch_id === null) {
        // The file changed since it was checked: nothing was imported.
        setReport(done);
        return;
      }
      message.success(t.imported(done.file_name, done.rows));
      setReport(null);
      setPath(null);
      setTyped("");
      onImported();
    } catch (e) {
      // A file already imported (supervision.invalid_state) is said as the core says it.
      message.error(toOperationError(e).message);
    } finally {
      setBusy(null);
    }
  };

  const problemColumns: ColumnsType<RowProblem> = [
    { key: "row", title: t.problemColumns.row, width: 80, className: "num", dataIndex: "row" },
    { key: "column", title: t.problemColumns.column, width: 160, ellipsis: true, dataIndex: "column" },
    { key: "reason", title: t.problemColumns.reason, dataIndex: "reason" },
  ];

  const problems = report !== null && report.problems.length > 0;

  return (
    <Card size="small" title={t.import} style={{ marginBottom: 16 }} data-testid="survey-import-card">
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Typography.Text type="secondary">{t.importHint}</Typography.Text>
        <Flex wrap gap={12} align="center">
          <Typography.Text>{t.scale}</Typography.Text>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            aria-label={t.scale}
            data-testid="survey-scale"
            value={scale}
            disabled={busy !== null}
            onChange={(e) => void changeScale(e.target.value as SurveyScale)}
            options={SCALES.map((x) => ({ value: x, label: t.scaleOption[x] }))}
          />
          <Button icon={<FileSearchOutlined />} onClick={() => void pick()} loading={busy === "check"} disabled={busy !== null} data-testid="survey-pick">
            {t.pick}
          </Button>
          <PastedPath
            value={typed}
            onChange={setTyped}
            onSubmit={() => void checkTyped()}
            placeholder={t.pathPlaceholder}
            label={t.pathLabel}
            submitLabel={t.check}
            disabled={busy !== null}
            testId="survey"
            submitTestId="survey-check-path"
          />
        </Flex>
        {report && !problems && (
          <Space orientation="vertical" size="small" style={{ width: "100%" }} data-testid="survey-check">
            <Alert showIcon type="info" title={t.checked(report.file_name)} description={t.checkedNote} />
            <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} bordered>
              <Descriptions.Item label={t.columnsFound} span="filled">
                <Space size={[4, 4]} wrap>
                  {Object.entries(report.columns).map(([label, header]) => {
                    const key = CORE_COLUMNS[label];
                    return (
                      <Tag key={label} data-testid="survey-column">
                        {t.columnFrom(key ? t.column[key] : label, header)}
                      </Tag>
                    );
                  })}
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t.rows}>
                <span className="num" data-testid="survey-check-rows">{report.rows}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t.responses}>
                <span className="num" data-testid="survey-check-responses">{report.responses}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t.days}>
                <span className="num" data-testid="survey-check-days">{daysText(report.first_day, report.last_day)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t.stores}>
                <span className="num" data-testid="survey-check-stores">{report.stores}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t.products}>
                <span className="num" data-testid="survey-check-products">{report.products}</span>
              </Descriptions.Item>
            </Descriptions>
            <Button
              type="primary"
              icon={<ImportOutlined />}
              onClick={() => void importNow()}
              loading={busy === "import"}
              disabled={busy !== null}
              data-testid="survey-import"
            >
              {t.confirm}
            </Button>
          </Space>
        )}
        {report && problems && (
          <Space orientation="vertical" size="small" style={{ width: "100%" }} data-testid="survey-problems-box">
            <Alert
              showIcon
              type="error"
              title={t.problemsTitle(report.file_name, report.problems.length + report.more_problems)}
              description={t.problemsNote}
            />
            <Table<RowProblem>
              size="small"
              rowKey={(p) => `${p.row}|${p.column}|${p.reason}`}
              dataSource={report.problems}
              columns={problemColumns}
              data-testid="survey-problems"
              pagination={report.problems.length > 20 ? { pageSize: 20, showSizeChanger: false, size: "small" } : false}
              onRow={() => rowProps("survey-problem-row")}
            />
            {report.more_problems > 0 && (
              <Typography.Text type="secondary" data-testid="survey-more-problems">
                {t.moreProblems(report.more_problems)}
              </Typography.Text>
            )}
          </Space>
        )}
      </Space>
    </Card>
  );
}

/** 撤回: an imported file taken back out of the figures, with the reason. */
function WithdrawModal({ batch, onClose, onDone }: { batch: SurveyBatchView | null; onClose: () => void; onDone: () => void }) {
  const { m } = useI18n();
  const t = m.supervision.surveys;
  const rules = useRules();
  return (
    <FormModal<{ reason: string }, SurveyBatchView[]>
      open={batch !== null}
      title={batch ? t.withdrawTitle(batch.file_name) : t.withdraw}
      intro={<Typography.Paragraph type="secondary">{t.withdrawIntro}</Typography.Paragraph>}
      fields={["reason"]}
      okText={t.withdrawOk}
      submitTestId="survey-withdraw-submit"
      submit={(v) => call("surveys.withdraw", { batch_id: batch?.id ?? "", reason: v.reason.trim() })}
      onCancel={onClose}
      onDone={onDone}
    >
      <Form.Item name="reason" label={t.reason} rules={[rules.required]}>
        <Input.TextArea rows={3} maxLength={500} showCount data-testid="survey-withdraw-reason" />
      </Form.Item>
    </FormModal>
  );
}

/** 已导入的文件: each file imported, and whether it was withdrawn. */
function Batches({ reloads, onWithdrawn }: { reloads: number; onWithdrawn: () => void }) {
  const { m } = useI18n();
  const t = m.supervision.surveys;
  const c = t.batchColumns;
  const { message } = App.useApp();
  const batches = useReloaded("surveys.batches", {}, reloads);
  const [withdrawing, setWithdrawing] = useState<SurveyBatchView | null>(null);

  const columns: ColumnsType<SurveyBatchView> = [
    { key: "file", title: c.file, ellipsis: true, render: (_, b) => <span data-testid="survey-batch-file">{b.file_name}</span> },
    { key: "scale", title: c.scale, width: 90, render: (_, b) => t.scaleShort[b.scale] ?? b.scale },
    { key: "rows", title: c.rows, width: 80, align: "right", className: "num", dataIndex: "rows" },
    { key: "responses", title: c.responses, width: 90, align: "right", className: "num", dataIndex: "responses" },
    { key: "days", title: c.days, width: 200, className: "num", render: (_, b) => daysText(b.first_day, b.last_day) },
    { key: "by", title: c.importedBy, width: 100, ellipsis: true, dataIndex: "imported_by" },
    { key: "at", title: c.importedAt, width: 150, className: "num", render: (_, b) => formatDateTime(b.imported_at) },
    {
      key: "state",
      title: c.state,
      width: 110,
      render: (_, b) =>
        b.withdrawn_at === null ? (
          <Tag color="success" data-testid="survey-batch-state">
            {t.active}
          </Tag>
        ) : (
          <Tooltip title={t.withdrawnBy(b.withdrawn_by ?? "", formatDateTime(b.withdrawn_at))}>
            <Tag data-testid="survey-batch-state">{t.withdrawnTag}</Tag>
          </Tooltip>
        ),
    },
    {
      key: "actions",
      title: c.actions,
      width: 80,
      render: (_, b) =>
        b.withdrawn_at === null && (
          <Button size="small" danger type="link" onClick={() => setWithdrawing(b)} data-testid="survey-withdraw">
            {t.withdraw}
          </Button>
        ),
    },
  ];

  return (
    <>
      <Typography.Title level={5}>{t.batches}</Typography.Title>
      <Table<SurveyBatchView>
        rowKey="id"
        size="small"
        loading={batches.loading}
        dataSource={batches.rows ?? []}
        columns={columns}
        data-testid="survey-batches"
        scroll={{ x: 1000 }}
        pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty description={t.noBatches} /> }}
        onRow={(b) => rowProps("survey-batch-row", b.id)}
        style={{ marginBottom: 24 }}
      />
      <WithdrawModal
        batch={withdrawing}
        onClose={() => setWithdrawing(null)}
        onDone={() => {
          setWithdrawing(null);
          message.success(t.withdrawn);
          onWithdrawn();
        }}
      />
    </>
  );
}

/** The score and complaints of a month: `86.4 / 3件`. */
function useCellText() {
  const { m } = useI18n();
  return (c: SurveyCell | undefined) => (c ? m.supervision.surveys.cell(scoreText(c.score), c.complaints) : "—");
}

/** The mean score of months together, weighted by their responses. */
function meanOf(cells: SurveyCell[]): number | null {
  const n = cells.reduce((a, c) => a + (c.score === null ? 0 : c.responses), 0);
  if (n === 0) return null;
  return cells.reduce((a, c) => a + (c.score ?? 0) * c.responses, 0) / n;
}

/** 满意度与投诉对照: each store or product, month by month, lowest score first. */
function Summary({ reloads }: { reloads: number }) {
  const { m } = useI18n();
  const t = m.supervision.surveys;
  const c = t.summaryColumns;
  const cellText = useCellText();
  const [by, setBy] = useState<SurveyBy>("store");
  const [range, setRange] = useState<[string, string] | null>(null);
  const request: SurveySummaryRequest = { by, ...(range ? { from: range[0], to: range[1] } : {}) };
  const summary = useReloaded("surveys.summary", request, reloads);
  const data = summary.rows;
  const months = data?.months ?? [];
  const thisMonth = chinaToday().slice(0, 7);
  const shown: [Dayjs, Dayjs] | null = range
    ? [monthOf(range[0]), monthOf(range[1])]
    : months.length > 0
      ? [monthOf(months[0] ?? thisMonth), monthOf(months[months.length - 1] ?? thisMonth)]
      : null;

  const correlationTitle = (
    <Tooltip title={t.correlationHelp}>
      <span data-testid="survey-correlation-help">
        {c.correlation} <QuestionCircleOutlined />
      </span>
    </Tooltip>
  );

  const columns: ColumnsType<SurveySeries> = [
    {
      key: "label",
      title: by === "store" ? c.store : c.product,
      width: 160,
      fixed: "left",
      ellipsis: true,
      render: (_, r) => <span data-testid="survey-label">{r.label}</span>,
    },
    {
      key: "responses",
      title: c.responses,
      width: 80,
      align: "right",
      className: "num",
      render: (_, r) => <span data-testid="survey-responses">{r.responses}</span>,
    },
    {
      key: "score",
      title: c.score,
      width: 80,
      align: "right",
      className: "num",
      render: (_, r) => <span data-testid="survey-score">{scoreText(r.score)}</span>,
    },
    {
      key: "complaints",
      title: c.complaints,
      width: 70,
      align: "right",
      className: "num",
      render: (_, r) => <span data-testid="survey-complaints">{r.complaints}</span>,
    },
    {
      key: "correlation",
      title: correlationTitle,
      width: 120,
      align: "right",
      className: "num",
      render: (_, r) =>
        r.correlation === null ? (
          <span data-testid="survey-correlation">—</span>
        ) : (
          <Tooltip title={r.correlation < 0 ? t.negative : r.correlation > 0 ? t.positive : t.none}>
            <span data-testid="survey-correlation" style={r.correlation <= -0.5 ? { color: "#cf1322" } : undefined}>
              {correlationText(r.correlation)}
            </span>
          </Tooltip>
        ),
    },
    ...months.map(
      (month, i): ColumnsType<SurveySeries>[number] => ({
        key: `m-${month}`,
        title: month,
        width: 110,
        align: "right",
        className: "num",
        render: (_, r) => <span data-testid={`survey-cell-${month}`}>{cellText(r.cells[i])}</span>,
      }),
    ),
  ];

  const total = data?.total ?? [];
  const totalResponses = total.reduce((a, x) => a + x.responses, 0);
  const totalComplaints = total.reduce((a, x) => a + x.complaints, 0);
  const series = data?.series ?? [];
  const scored = total.filter((x) => x.score !== null);

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t.summary}
        </Typography.Title>
        <Flex wrap gap={8} align="center">
          <DatePicker.RangePicker
            picker="month"
            aria-label={t.range}
            data-testid="survey-range"
            value={shown}
            allowClear
            disabledDate={(d) => d.format("YYYY-MM") > thisMonth}
            onChange={(v) => {
              const [from, to] = v ?? [];
              setRange(from && to ? [from.format("YYYY-MM"), to.format("YYYY-MM")] : null);
            }}
          />
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            aria-label={t.byLabel}
            data-testid="survey-by"
            value={by}
            onChange={(e) => setBy(e.target.value as SurveyBy)}
            options={BYS.map((x) => ({ value: x, label: t.by[x] }))}
          />
        </Flex>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t.summaryHint}
      </Typography.Paragraph>
      {scored.length > 0 && (
        <Flex wrap gap={16} style={{ marginBottom: 16 }} data-testid="survey-charts">
          <Suspense fallback={<Spin style={{ display: "block", padding: 48 }} />}>
            <div style={{ flex: "1 1 320px", minWidth: 0 }}>
              <Chart
                kind="line"
                data={scored.map((x) => ({ name: x.month, value: x.score ?? 0 }))}
                title={t.scoreChart}
                seriesName={t.scoreSeries}
                height={200}
                testId="survey-score-chart"
              />
            </div>
            <div style={{ flex: "1 1 320px", minWidth: 0 }}>
              <Chart
                kind="bar"
                data={total.map((x) => ({ name: x.month, value: x.complaints }))}
                title={t.complaintsChart}
                seriesName={t.complaintsSeries}
                height={200}
                testId="survey-complaints-chart"
              />
            </div>
          </Suspense>
        </Flex>
      )}
      <Table<SurveySeries>
        rowKey="key"
        size="small"
        loading={summary.loading}
        dataSource={series}
        columns={columns}
        data-testid="survey-summary"
        scroll={{ x: 510 + months.length * 110 }}
        pagination={false}
        locale={{ emptyText: <Empty description={t.noSurveys} /> }}
        onRow={(r) => rowProps("survey-row", r.key)}
        summary={() =>
          series.length > 0 && (
            <Table.Summary fixed="bottom">
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <Typography.Text strong data-testid="survey-total">
                    {t.total}
                  </Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right" className="num">
                  {totalResponses}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right" className="num">
                  {scoreText(meanOf(total))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right" className="num">
                  {totalComplaints}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right" className="num">
                  —
                </Table.Summary.Cell>
                {months.map((month, i) => (
                  <Table.Summary.Cell key={month} index={5 + i} align="right" className="num">
                    {cellText(total[i])}
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            </Table.Summary>
          )
        }
      />
    </>
  );
}

/** 满意度调查 (§二(四)2): survey results imported, and the scores beside the complaints. */
export function Surveys() {
  const { m } = useI18n();
  const t = m.supervision.surveys;
  // Imports and withdrawals change the list and the figures.
  const [reloads, setReloads] = useState(0);
  const changed = () => setReloads((n) => n + 1);
  return (
    <>
      <Typography.Paragraph type="secondary">{t.intro}</Typography.Paragraph>
      <ImportCard onImported={changed} />
      <Batches reloads={reloads} onWithdrawn={changed} />
      <Summary reloads={reloads} />
    </>
  );
}
