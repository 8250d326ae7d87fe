import { DownloadOutlined, FolderOpenOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Input,
  Popconfirm,
  Result,
  Select,
  Space,
  Statistic,
  Steps,
  Table,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useRef, useState } from "react";

import {
  call,
  dialogs,
  unquotePath,
  type Encoding,
  type ImportBatchView,
  type ImportField,
  type ImportInspection,
  type ImportMapping,
  type ImportPreview,
  type ImportReport,
  type OperationError,
  type PreviewRow,
  type RowProblem,
} from "../api";
import { MappingEditor, useCodeOptions } from "../components/imports/MappingEditor";
import {
  draftsOf,
  IMPORT_FIELDS,
  isCoded,
  mappingOf,
  missingRequired,
  problemOf,
  problemsCsv,
  REQUIRED_FIELDS,
  stemOf,
  type Drafts,
  type FieldDraft,
  type MappingMeta,
} from "../components/imports/mapping";
import { JobProgressView, useJob } from "../components/Job";
import { formatDateTime } from "../format";
import { useI18n } from "../i18n";

const ENCODINGS: Encoding[] = ["auto", "utf8", "gb18030"];
type Step = 0 | 1 | 2 | 3;

/**
 * A figure's number as shown (grouped), in an element of its own for tests: `data-testid` on
 * the number alone, `data-value` the plain count.
 */
function counted(testId: string, value: number) {
  return function Counted(node: React.ReactNode) {
    return (
      <span data-testid={testId} data-value={value}>
        {node}
      </span>
    );
  };
}

/** The rejected rows: row, column, reason. */
function ProblemsTable({ problems, testId }: { problems: RowProblem[]; testId: string }) {
  const { m } = useI18n();
  const t = m.imports;
  return (
    <Table<RowProblem & { key: number }>
      size="small"
      bordered
      dataSource={problems.map((p, key) => ({ ...p, key }))}
      data-testid={testId}
      locale={{ emptyText: t.noRejected }}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      columns={[
        { key: "row", title: t.row, dataIndex: "row", width: 90, className: "num" },
        { key: "column", title: t.column, dataIndex: "column", width: 200 },
        { key: "reason", title: t.reason, dataIndex: "reason", render: (v: string) => <Typography.Text type="danger">{v}</Typography.Text> },
      ]}
    />
  );
}

/** 数据导入: a spreadsheet of past complaints, checked and mapped, into the ledger. */
export function Imports({
  onOpenBatch,
  onDataChanged,
}: {
  /** Opens the ledger on the cases of one batch. */
  onOpenBatch: (batchId: string) => void;
  /** Cases were written (the workspace's counts change). */
  onDataChanged?: () => void;
}) {
  const { m } = useI18n();
  const t = m.imports;
  const { message } = App.useApp();
  const optionsOf = useCodeOptions();
  const [step, setStep] = useState<Step>(0);
  const [path, setPath] = useState<string | null>(null);
  // The path as typed or pasted (or as the dialog picked it), read on 读取.
  const [typed, setTyped] = useState("");
  const [encoding, setEncoding] = useState<Encoding>("auto");
  const [sheet, setSheet] = useState<string | undefined>(undefined);
  const [inspection, setInspection] = useState<ImportInspection | null>(null);
  const [meta, setMeta] = useState<MappingMeta | null>(null);
  const [drafts, setDrafts] = useState<Drafts | null>(null);
  const [saved, setSaved] = useState<ImportMapping[]>([]);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [batches, setBatches] = useState<ImportBatchView[] | null>(null);
  const { job, run, cancel } = useJob();

  // Only the latest history request's answer is shown.
  const latest = useRef(0);
  const loadBatches = useCallback(() => {
    const mine = ++latest.current;
    call("imports.batches", {})
      .then((b) => latest.current === mine && setBatches(b))
      .catch((e: OperationError) => message.error(e.message));
  }, [message]);
  useEffect(loadBatches, [loadBatches]);

  useEffect(() => {
    call("imports.mappings", {})
      .then(setSaved)
      .catch(() => undefined);
  }, []);

  const inspect = async (file: string, enc: Encoding, sh: string | undefined) => {
    setBusy(true);
    try {
      const found = await call("imports.inspect", { path: file, encoding: enc, sheet: sh });
      setInspection(found);
      setMeta({
        source: found.mapping.source,
        encoding: enc,
        sheet: sh,
        date_formats: found.mapping.date_formats ?? [],
        external_id: found.mapping.external_id ?? [],
      });
      setDrafts(draftsOf(found.mapping));
      setPreview(null);
    } catch (e) {
      setInspection(null);
      message.error((e as OperationError).message);
    } finally {
      setBusy(false);
    }
  };

  const pick = async () => {
    let chosen: string | null;
    try {
      chosen = await dialogs.pickSpreadsheet(t.pickTitle);
    } catch (e) {
      message.error((e as OperationError).message);
      return;
    }
    if (!chosen) return;
    setTyped(chosen);
    setPath(chosen);
    setSheet(undefined);
    await inspect(chosen, encoding, undefined);
  };

  /** Reads the file at the path typed or pasted (Explorer's "Copy as path" adds quotes). */
  const readTyped = async () => {
    const file = unquotePath(typed);
    if (file === "" || busy) return;
    setTyped(file);
    setPath(file);
    setSheet(undefined);
    await inspect(file, encoding, undefined);
  };

  const mapping = (): ImportMapping | null => (meta && drafts ? mappingOf(meta, drafts) : null);

  /** The mapping if it can be sent; otherwise says what is missing. */
  const checked = (): ImportMapping | null => {
    const mp = mapping();
    if (!mp || !drafts) return null;
    if (mp.source === "") {
      message.warning(t.sourceRequired);
      return null;
    }
    const missing = missingRequired(drafts);
    if (missing.length > 0) {
      message.warning(t.missing(missing.map((f) => m.imports.fields[f]).join(m.imports.listSeparator)));
      return null;
    }
    return mp;
  };

  const doPreview = async () => {
    const mp = checked();
    if (!mp || !path) return;
    setBusy(true);
    try {
      setPreview(await call("imports.preview", { path, mapping: mp }));
      setStep(2);
    } catch (e) {
      message.error((e as OperationError).message);
    } finally {
      setBusy(false);
    }
  };

  const saveMapping = async () => {
    const mp = checked();
    if (!mp) return;
    try {
      setSaved(await call("imports.mapping_save", { mapping: mp }));
      message.success(t.mappingSaved(mp.source));
    } catch (e) {
      message.error((e as OperationError).message);
    }
  };

  const doRun = async () => {
    const mp = checked();
    if (!mp || !path) return;
    setStep(3);
    setReport(null);
    try {
      const done = await run((jobId) => call("imports.run", { path, mapping: mp, dry_run: false, job_id: jobId }));
      setReport(done);
      if (done.imported > 0) onDataChanged?.();
    } catch (e) {
      message.error((e as OperationError).message);
      setStep(2);
    } finally {
      loadBatches();
    }
  };

  const downloadErrors = async (problems: RowProblem[], fileName: string) => {
    try {
      const written = await dialogs.saveText(
        t.errorFileTitle,
        t.errorFileName(stemOf(fileName)),
        problemsCsv(t.errorHeader, problems),
      );
      if (written) message.success(t.errorSaved(written));
    } catch (e) {
      message.error((e as OperationError).message);
    }
  };

  const restart = () => {
    setStep(0);
    setPath(null);
    setTyped("");
    setSheet(undefined);
    setInspection(null);
    setMeta(null);
    setDrafts(null);
    setPreview(null);
    setReport(null);
  };

  // ---------------------------------------------------------------- step 1: the file
  const fileStep = (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t.intro}
      </Typography.Paragraph>
      <Flex wrap gap={12} align="center">
        <Button type="primary" icon={<FolderOpenOutlined />} onClick={pick} loading={busy} data-testid="import-pick">
          {t.pick}
        </Button>
        <Space.Compact style={{ flex: "1 1 360px", maxWidth: 720 }}>
          <Input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            onPressEnter={readTyped}
            placeholder={t.pathPlaceholder}
            aria-label={t.pathLabel}
            allowClear
            spellCheck={false}
            className="num"
            data-testid="import-path"
          />
          <Button onClick={readTyped} disabled={unquotePath(typed) === ""} loading={busy} data-testid="import-read">
            {t.read}
          </Button>
        </Space.Compact>
      </Flex>
      <Flex wrap gap={16} align="center">
        <Space>
          <span>{t.encoding}</span>
          <Select<Encoding>
            style={{ width: 160 }}
            value={encoding}
            aria-label={t.encoding}
            onChange={(v) => {
              setEncoding(v);
              if (path) void inspect(path, v, sheet);
            }}
            options={ENCODINGS.map((e) => ({ value: e, label: t.encodings[e] }))}
            data-testid="import-encoding"
          />
        </Space>
        {inspection && inspection.sheets.length > 1 && (
          <Space>
            <span>{t.sheet}</span>
            <Select<string>
              style={{ width: 200 }}
              value={sheet ?? inspection.sheets[0]}
              aria-label={t.sheet}
              onChange={(v) => {
                setSheet(v);
                if (path) void inspect(path, encoding, v);
              }}
              options={inspection.sheets.map((s) => ({ value: s, label: s }))}
              data-testid="import-sheet"
            />
          </Space>
        )}
      </Flex>
      {inspection && (
        <>
          <Descriptions size="small" bordered column={3} data-testid="import-inspection">
            <Descriptions.Item label={t.path}>{inspection.file_name}</Descriptions.Item>
            <Descriptions.Item label={t.detected}>
              <span data-testid="import-detected-encoding">{inspection.encoding}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.rows}>
              <span data-testid="import-rows">{t.rowsValue(inspection.rows)}</span>
            </Descriptions.Item>
          </Descriptions>
          <Alert type={inspection.saved ? "success" : "info"} showIcon title={inspection.saved ? t.savedMapping(inspection.saved) : t.guessedMapping} />
          <Typography.Text strong>{t.sample}</Typography.Text>
          <Table<{ key: number; cells: string[] }>
            size="small"
            bordered
            pagination={false}
            scroll={{ x: "max-content" }}
            dataSource={inspection.sample.map((cells, key) => ({ key, cells }))}
            data-testid="import-sample"
            columns={inspection.headers.map((h, i) => ({
              key: `${i}`,
              title: h,
              ellipsis: true,
              width: 160,
              render: (_: unknown, row: { cells: string[] }) => row.cells[i] ?? "",
            }))}
          />
        </>
      )}
      <Flex justify="end">
        <Button type="primary" disabled={!inspection || busy} onClick={() => setStep(1)} data-testid="import-next">
          {t.next}
        </Button>
      </Flex>
    </Space>
  );

  // ---------------------------------------------------------------- step 2: the mapping
  const mappingStep = inspection && meta && drafts && (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <MappingEditor
        headers={inspection.headers}
        sample={inspection.sample}
        meta={meta}
        onMeta={setMeta}
        drafts={drafts}
        onDraft={(field: ImportField, d: FieldDraft) => setDrafts((all) => (all ? { ...all, [field]: d } : all))}
        saved={saved}
        onApplySaved={(mp) => {
          setMeta({ ...meta, source: mp.source, date_formats: mp.date_formats ?? [], external_id: mp.external_id ?? [] });
          setDrafts(draftsOf(mp));
        }}
      />
      <Flex justify="space-between">
        <Button onClick={() => setStep(0)} data-testid="import-back">
          {t.back}
        </Button>
        <Space>
          <Button onClick={saveMapping} data-testid="import-save-mapping-early">
            {t.saveMapping}
          </Button>
          <Button type="primary" loading={busy} onClick={doPreview} data-testid="import-preview">
            {t.preview}
          </Button>
        </Space>
      </Flex>
    </Space>
  );

  // ---------------------------------------------------------------- step 3: the preview
  const shownFields = drafts ? IMPORT_FIELDS.filter((f) => REQUIRED_FIELDS.has(f) || drafts[f].mode !== "none") : [];
  const display = (field: ImportField, v: string | undefined) => {
    if (v === undefined || v === "") return "";
    if (!isCoded(field)) return v;
    return optionsOf(field).find((o) => o.value === v)?.label ?? v;
  };
  const previewStep = preview && drafts && (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle" data-testid="import-preview-step">
      <Flex gap={32} wrap data-testid="import-summary">
        <Statistic title={t.summary.rows} value={preview.report.rows} valueRender={counted("import-will-rows", preview.report.rows)} />
        <Statistic
          title={t.summary.imported}
          value={preview.report.imported}
          styles={{ content: { color: "#389e0d" } }}
          valueRender={counted("import-will-import", preview.report.imported)}
        />
        <Statistic
          title={t.summary.duplicates}
          value={preview.report.duplicates}
          valueRender={counted("import-will-duplicate", preview.report.duplicates)}
        />
        <Statistic
          title={t.summary.rejected}
          value={preview.report.rejected_rows}
          styles={{ content: { color: preview.report.rejected_rows ? "#cf1322" : undefined } }}
          valueRender={counted("import-will-reject", preview.report.rejected_rows)}
        />
      </Flex>
      <Typography.Text strong>{t.previewRows(preview.rows.length)}</Typography.Text>
      <Table<PreviewRow>
        size="small"
        bordered
        pagination={false}
        rowKey="row"
        scroll={{ x: "max-content" }}
        dataSource={preview.rows}
        data-testid="import-preview-rows"
        rowClassName={(r) => (r.problems.length > 0 ? "import-row-bad" : r.duplicate ? "import-row-duplicate" : "")}
        columns={[
          { key: "row", title: t.row, dataIndex: "row", width: 70, fixed: "left", className: "num" },
          ...shownFields.map((f) => ({
            key: f,
            title: m.imports.fields[f],
            width: f === "content" ? 260 : 130,
            ellipsis: true,
            onCell: (r: PreviewRow) =>
              problemOf(f, drafts[f], r.problems).length > 0
                ? { className: "import-cell-bad", "data-testid": `preview-bad-${r.row}-${f}` }
                : {},
            render: (_: unknown, r: PreviewRow) => display(f, r.values[f]),
          })),
          {
            key: "problems",
            title: t.problems,
            width: 260,
            render: (_: unknown, r: PreviewRow) =>
              r.duplicate ? (
                <Tag>{t.duplicate}</Tag>
              ) : (
                <Typography.Text type="danger">{r.problems.map((p) => `${p.column}${m.labels.colon}${p.reason}`).join("；")}</Typography.Text>
              ),
          },
        ]}
      />
      <Flex justify="space-between" align="center">
        <Typography.Text strong>
          {t.rejectedTitle}（{preview.report.rejected_rows}）
        </Typography.Text>
        {preview.report.rejected.length > 0 && (
          <Button
            icon={<DownloadOutlined />}
            onClick={() => downloadErrors(preview.report.rejected, preview.report.file_name)}
            data-testid="import-preview-error-file"
          >
            {t.errorFile}
          </Button>
        )}
      </Flex>
      <ProblemsTable problems={preview.report.rejected} testId="import-preview-rejected" />
      <Flex justify="space-between">
        <Button onClick={() => setStep(1)} data-testid="import-back-mapping">
          {t.back}
        </Button>
        <Space>
          <Button onClick={saveMapping} data-testid="import-save-mapping">
            {t.saveMapping}
          </Button>
          <Popconfirm
            title={t.runConfirm(preview.report.imported)}
            onConfirm={doRun}
            okButtonProps={{ "data-testid": "import-run-ok" } as never}
            disabled={preview.report.imported === 0}
          >
            <Button type="primary" disabled={preview.report.imported === 0} data-testid="import-run">
              {preview.report.imported === 0 ? t.nothingToImport : t.run}
            </Button>
          </Popconfirm>
        </Space>
      </Flex>
    </Space>
  );

  // ---------------------------------------------------------------- step 4: the import
  const ranges = (r: ImportReport) => r.imported_rows.map(([a, b]) => t.range(a, b)).join(t.rangeSeparator);
  const runStep = (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      {job && (
        <>
          <Typography.Text>{t.running}</Typography.Text>
          <JobProgressView job={job} onCancel={cancel} testId="import-progress" />
        </>
      )}
      {report && (
        <div data-testid="import-report">
          <Result
            status={report.cancelled ? "warning" : report.rejected_rows > 0 ? "info" : "success"}
            title={report.cancelled ? t.cancelled : t.done}
            subTitle={report.file_name}
            style={{ padding: "16px 0" }}
          />
          <Flex gap={32} wrap justify="center" style={{ marginBottom: 16 }}>
            <Statistic title={t.result.imported} value={report.imported} valueRender={counted("import-imported", report.imported)} />
            <Statistic title={t.result.duplicates} value={report.duplicates} valueRender={counted("import-duplicates", report.duplicates)} />
            <Statistic title={t.result.rejected} value={report.rejected_rows} valueRender={counted("import-rejected", report.rejected_rows)} />
          </Flex>
          {report.cancelled && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={report.imported_rows.length > 0 ? t.cancelledNote(ranges(report)) : t.noneWritten}
              data-testid="import-cancelled"
            />
          )}
          <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
            <Typography.Text strong>
              {t.rejectedTitle}（{report.rejected_rows}）
            </Typography.Text>
            <Button
              icon={<DownloadOutlined />}
              disabled={report.rejected.length === 0}
              onClick={() => downloadErrors(report.rejected, report.file_name)}
              data-testid="import-error-file"
            >
              {t.errorFile}
            </Button>
          </Flex>
          <ProblemsTable problems={report.rejected} testId="import-rejected-rows" />
          <Flex justify="end" gap={8} style={{ marginTop: 16 }}>
            <Button onClick={restart} data-testid="import-again">
              {t.another}
            </Button>
            {report.batch_id && report.imported > 0 && (
              <Button type="primary" onClick={() => onOpenBatch(report.batch_id as string)} data-testid="import-open-ledger">
                {t.openLedger}
              </Button>
            )}
          </Flex>
        </div>
      )}
    </Space>
  );

  const bodies = [fileStep, mappingStep, previewStep, runStep];
  const statusColor: Record<string, string> = { done: "green", cancelled: "orange", running: "blue" };

  return (
    <div className="page">
      <Card title={t.title} data-testid="imports">
        <Steps
          current={step}
          style={{ marginBottom: 24 }}
          data-testid="import-steps"
          items={[
            { title: t.steps.file },
            { title: t.steps.mapping },
            { title: t.steps.preview },
            { title: t.steps.run },
          ]}
        />
        {bodies[step]}
      </Card>
      <Card
        title={t.history}
        style={{ marginTop: 16 }}
        extra={<Button icon={<ReloadOutlined />} onClick={loadBatches} aria-label={t.history} />}
      >
        <Table<ImportBatchView>
          size="small"
          rowKey="id"
          loading={batches === null}
          dataSource={batches ?? []}
          data-testid="import-history"
          onRow={(b) => ({ "data-testid": `import-history-row-${b.id}` }) as React.HTMLAttributes<HTMLElement>}
          locale={{ emptyText: <Empty description={t.historyEmpty} /> }}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            { key: "file", title: t.historyColumns.file, dataIndex: "file_name", ellipsis: true },
            { key: "source", title: t.historyColumns.source, dataIndex: "source", width: 160, ellipsis: true },
            { key: "started", title: t.historyColumns.started, dataIndex: "started_at", width: 150, render: formatDateTime, className: "num" },
            { key: "by", title: t.historyColumns.by, dataIndex: "started_by", width: 110 },
            {
              key: "status",
              title: t.historyColumns.status,
              dataIndex: "status",
              width: 90,
              render: (s: string) => <Tag color={statusColor[s] ?? "default"}>{t.batchStatus[s] ?? s}</Tag>,
            },
            { key: "rows", title: t.historyColumns.rows, dataIndex: "rows", width: 80, className: "num" },
            { key: "cases", title: t.historyColumns.cases, dataIndex: "cases", width: 80, className: "num" },
            { key: "duplicates", title: t.historyColumns.duplicates, dataIndex: "duplicates", width: 80, className: "num" },
            { key: "rejected", title: t.historyColumns.rejected, dataIndex: "rejected", width: 80, className: "num" },
            {
              key: "view",
              title: "",
              width: 100,
              render: (_: unknown, b: ImportBatchView) =>
                b.cases > 0 ? (
                  <Button size="small" type="link" onClick={() => onOpenBatch(b.id)} data-testid={`import-history-view-${b.id}`}>
                    {t.view}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
    </div>
  );
}
