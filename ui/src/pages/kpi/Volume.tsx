import { ImportOutlined, SaveOutlined, UndoOutlined, UploadOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useMemo, useRef, useState, type ChangeEvent, type HTMLAttributes } from "react";

import { call, OperationError, toOperationError, type OrgUnitView, type VolumeInput, type VolumeRow, type VolumeSaved } from "../../api";
import { useSubmit } from "../../api/forms";
import { chinaToday } from "../../components/handling/common";
import { useI18n } from "../../i18n";
import { count } from "./shared";

const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
/** Units offered for entry from the start: those that sell. */
const SELLING: ReadonlySet<OrgUnitView["kind"]> = new Set(["subsidiary", "branch", "store"]);
/** Problems listed at most, the rest counted. */
const MAX_PROBLEMS = 10;

/** Props for a table row: antd types `onRow` without `data-*` attributes. */
const rowProps = (testId: string) => ({ "data-testid": testId }) as HTMLAttributes<HTMLElement>;

const monthOf = (year: number, month: number) => `${year}-${String(month).padStart(2, "0")}`;
const cellKey = (unitId: string, month: string) => `${unitId}|${month}`;
const withSeparators = (v: number | string | undefined) => `${v ?? ""}`.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const withoutSeparators = (v: string | undefined) => (v ?? "").replace(/[,\s]/g, "");

interface UnitLine {
  id: string;
  code: string;
  name: string;
}

/** `text[3].orders` → 3 and "orders"; `entries[0].month` → 0 and "month". */
function problemAt(field: string, list: "text" | "entries"): { at: number; name: string } | null {
  const found = new RegExp(`^${list}\\[(\\d+)\\]\\.(\\w+)$`).exec(field);
  return found ? { at: Number(found[1]), name: found[2] ?? "" } : null;
}

/** The problem in words: the core's, or ours where its would say too little. */
function useProblem() {
  const { m } = useI18n();
  const v = m.kpi.volume;
  return (name: string, code: string, message: string) => {
    if (name === "orders" && (code === "field.invalid" || code === "field.out_of_range")) return v.problem.orders;
    if (name === "month" && code === "field.invalid") return v.problem.month;
    if (name === "month" && code === "field.taken") return v.problem.duplicate;
    if (name === "sales" && code === "field.invalid") return v.problem.sales;
    return message;
  };
}

/** At most MAX_PROBLEMS messages, and how many more there are. */
function capped(messages: string[], more: (n: number) => string): string[] {
  return messages.length > MAX_PROBLEMS ? [...messages.slice(0, MAX_PROBLEMS), more(messages.length - MAX_PROBLEMS)] : messages;
}

/** 业务量: orders per unit and month, entered in place or imported by those who manage KPIs. */
export function Volume({ mayManage, onChanged }: { mayManage: boolean; onChanged: () => void }) {
  const { m } = useI18n();
  const v = m.kpi.volume;
  const { message } = App.useApp();
  const problem = useProblem();
  const [thisYear] = useState(() => Number(chinaToday().slice(0, 4)));
  const [year, setYear] = useState(thisYear);
  const [data, setData] = useState<{ year: number; rows: VolumeRow[] } | null>(null);
  const [units, setUnits] = useState<OrgUnitView[]>([]);
  const [added, setAdded] = useState<string[]>([]);
  const [reloads, setReloads] = useState(0);
  // Orders typed in, by unit and month, where they differ from what is recorded.
  const [edits, setEdits] = useState<Record<string, number>>({});
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<{ keys: Set<string>; messages: string[] } | null>(null);
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    let live = true;
    call("volume.list", { year })
      .then((rows) => live && setData({ year, rows }))
      .catch((e: OperationError) => live && message.error(e.message));
    return () => {
      live = false;
    };
  }, [year, reloads, message]);

  useEffect(() => {
    if (!mayManage) return;
    let live = true;
    call("org.list", {})
      .then((found) => live && setUnits(found))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [mayManage]);

  const rows = useMemo(() => (data?.year === year ? data.rows : []), [data, year]);
  const recorded = useMemo(() => new Map(rows.map((r) => [cellKey(r.unit_id, r.month), r])), [rows]);

  // The units listed: those with figures this year, and (to enter them) those that sell and
  // those added by hand.
  const lines = useMemo(() => {
    const out = new Map<string, UnitLine>();
    for (const r of rows) out.set(r.unit_id, { id: r.unit_id, code: r.unit_code, name: r.unit_name });
    if (mayManage) {
      for (const u of units) {
        if ((SELLING.has(u.kind) || added.includes(u.id)) && !out.has(u.id)) out.set(u.id, { id: u.id, code: u.code, name: u.name });
      }
    }
    return [...out.values()].sort((a, b) => a.code.localeCompare(b.code));
  }, [rows, units, added, mayManage]);
  const others = units.filter((u) => !lines.some((l) => l.id === u.id));

  const ordersAt = (unitId: string, month: string): number | null => {
    const key = cellKey(unitId, month);
    return edits[key] ?? recorded.get(key)?.orders ?? null;
  };
  const edit = (unitId: string, month: string, value: number | null) => {
    const key = cellKey(unitId, month);
    setEdits((e) => {
      const next = { ...e };
      // An emptied cell, or one back to what is recorded, is not a change (figures are
      // corrected, never removed).
      if (value === null || value === recorded.get(key)?.orders) delete next[key];
      else next[key] = value;
      return next;
    });
  };
  const changes = Object.keys(edits).length;
  const names = new Map(lines.map((l) => [l.id, l]));

  const save = async () => {
    const keys = Object.keys(edits);
    const entries: VolumeInput[] = keys.map((key) => {
      const [unit = "", month = ""] = key.split("|");
      const sales = recorded.get(key)?.sales_fen;
      // The sales already recorded stay with the corrected orders.
      return { unit, month, orders: edits[key] ?? 0, ...(sales !== null && sales !== undefined ? { sales_fen: sales } : {}) };
    });
    setSaving(true);
    try {
      const saved = await call("volume.set", { entries });
      message.success(v.saved(saved.entries));
      setEdits({});
      setProblems(null);
      setReloads((n) => n + 1);
      onChanged();
    } catch (e) {
      const error = toOperationError(e);
      const bad = new Set<string>();
      const messages = error.fields.map((f) => {
        const at = problemAt(f.field, "entries");
        const entry = at ? entries[at.at] : undefined;
        if (!at || !entry) return f.message;
        bad.add(cellKey(entry.unit, entry.month));
        const unit = names.get(entry.unit)?.name ?? entry.unit;
        return v.cellProblem(unit, entry.month, problem(at.name, f.code, f.message));
      });
      setProblems({ keys: bad, messages: capped(messages.length > 0 ? messages : [error.message], v.more) });
    } finally {
      setSaving(false);
    }
  };

  const discard = () => {
    setEdits({});
    setProblems(null);
  };

  const afterImport = (saved: VolumeSaved) => {
    setImporting(false);
    const years = [...new Set(saved.months.map((month) => Number(month.slice(0, 4))))];
    const first = years[0];
    if (first !== undefined && !years.includes(year)) setYear(first);
    else setReloads((n) => n + 1);
    onChanged();
  };

  const years = [...new Set([thisYear - 3, thisYear - 2, thisYear - 1, thisYear, thisYear + 1, year])].sort((a, b) => a - b);
  const rowTotal = (unitId: string) =>
    MONTHS.reduce((sum, month) => sum + (ordersAt(unitId, monthOf(year, month)) ?? 0), 0);

  const columns: ColumnsType<UnitLine> = [
    {
      key: "unit",
      title: v.unit,
      fixed: "left",
      width: 180,
      ellipsis: true,
      render: (_, line) => (
        <span title={line.code}>
          {line.name} <Typography.Text type="secondary">{line.code}</Typography.Text>
        </span>
      ),
    },
    ...MONTHS.map((month) => ({
      key: `m${month}`,
      title: v.month(month),
      width: mayManage ? 110 : 90,
      align: "right" as const,
      render: (_: unknown, line: UnitLine) => {
        const at = monthOf(year, month);
        const key = cellKey(line.id, at);
        const testId = `volume-cell-${line.code}-${at}`;
        const value = ordersAt(line.id, at);
        if (!mayManage) {
          return (
            <span className="num" data-testid={testId}>
              {value === null ? "" : count(value)}
            </span>
          );
        }
        return (
          <InputNumber<number>
            size="small"
            min={0}
            precision={0}
            controls={false}
            value={value}
            status={problems?.keys.has(key) ? "error" : edits[key] !== undefined ? "warning" : undefined}
            formatter={withSeparators}
            parser={(s) => Number(withoutSeparators(s))}
            onChange={(n) => edit(line.id, at, typeof n === "number" && Number.isFinite(n) ? n : null)}
            aria-label={`${line.name} ${at}`}
            style={{ width: "100%" }}
            data-testid={testId}
          />
        );
      },
    })),
    {
      key: "total",
      title: v.total,
      fixed: "right",
      width: 110,
      align: "right",
      className: "num",
      render: (_, line) => <span data-testid={`volume-total-${line.code}`}>{count(rowTotal(line.id))}</span>,
    },
  ];

  const loading = data?.year !== year;
  return (
    <Card size="small">
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {v.hint}
      </Typography.Paragraph>
      {!mayManage && (
        <Typography.Paragraph type="secondary" data-testid="volume-readonly">
          {v.readOnly}
        </Typography.Paragraph>
      )}
      <Flex wrap gap={8} justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Space wrap>
          <span>{v.year}</span>
          <Select
            value={year}
            onChange={setYear}
            disabled={changes > 0}
            title={changes > 0 ? v.saveFirst : undefined}
            options={years.map((y) => ({ value: y, label: v.yearOption(y) }))}
            style={{ width: 110 }}
            data-testid="volume-year"
          />
          {mayManage && others.length > 0 && (
            <Select<string>
              value={null}
              placeholder={v.addUnit}
              showSearch={{ optionFilterProp: "label" }}
              style={{ width: 200 }}
              onChange={(id) => setAdded((a) => [...a, id])}
              options={others.map((u) => ({ value: u.id, label: `${u.name}（${m.labels.orgKind[u.kind]}）` }))}
              data-testid="volume-add-unit"
            />
          )}
        </Space>
        {mayManage && (
          <Space wrap>
            {changes > 0 && (
              <Tag color="orange" data-testid="volume-changes">
                {v.changed(changes)}
              </Tag>
            )}
            <Button icon={<UndoOutlined />} disabled={changes === 0 || saving} onClick={discard} data-testid="volume-discard">
              {v.discard}
            </Button>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              disabled={changes === 0}
              loading={saving}
              onClick={save}
              data-testid="volume-save"
            >
              {v.save}
            </Button>
            <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="volume-import">
              {v.import}
            </Button>
          </Space>
        )}
      </Flex>
      {problems && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={v.notSaved}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {problems.messages.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          }
          data-testid="volume-errors"
        />
      )}
      <Table<UnitLine>
        size="small"
        bordered
        rowKey="id"
        loading={loading}
        dataSource={loading ? [] : lines}
        columns={columns}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: v.noData }}
        data-testid="volume-table"
        onRow={(line) => rowProps(`volume-row-${line.code}`)}
        summary={() =>
          lines.length > 0 && !loading ? (
            <Table.Summary>
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <Typography.Text strong>{v.sum}</Typography.Text>
                </Table.Summary.Cell>
                {MONTHS.map((month) => (
                  <Table.Summary.Cell key={month} index={month} align="right" className="num">
                    <span data-testid={`volume-sum-${monthOf(year, month)}`}>
                      {count(lines.reduce((sum, l) => sum + (ordersAt(l.id, monthOf(year, month)) ?? 0), 0))}
                    </span>
                  </Table.Summary.Cell>
                ))}
                <Table.Summary.Cell index={13} align="right" className="num">
                  {count(lines.reduce((sum, l) => sum + rowTotal(l.id), 0))}
                </Table.Summary.Cell>
              </Table.Summary.Row>
            </Table.Summary>
          ) : null
        }
      />
      {mayManage && <ImportModal open={importing} onClose={() => setImporting(false)} onImported={afterImport} />}
    </Card>
  );
}

/** Reads a CSV file (or pasted text), has the core check it, then imports it. */
function ImportModal({
  open,
  onClose,
  onImported,
}: {
  open: boolean;
  onClose: () => void;
  onImported: (saved: VolumeSaved) => void;
}) {
  const { m } = useI18n();
  const v = m.kpi.volume;
  const { message } = App.useApp();
  const problem = useProblem();
  const [form] = Form.useForm<{ text?: string }>();
  const { busy, run } = useSubmit(form);
  const [fileName, setFileName] = useState<string | null>(null);
  // The check the text passed (cleared when it changes): importing needs one.
  const [preview, setPreview] = useState<VolumeSaved | null>(null);
  const [pending, setPending] = useState<"preview" | "import" | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const pickFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = ""; // the same file may be chosen again
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      form.setFields([{ name: "text", value: String(reader.result ?? ""), errors: [] }]);
      setFileName(file.name);
      setPreview(null);
    };
    reader.onerror = () => message.error(v.fileUnreadable);
    reader.readAsText(file, "utf-8");
  };

  const send = async (dryRun: boolean) => {
    let text: string;
    try {
      text = (await form.validateFields()).text ?? "";
    } catch {
      return;
    }
    const out: { saved?: VolumeSaved } = {};
    setPending(dryRun ? "preview" : "import");
    const done = await run(async () => {
      try {
        out.saved = await call("volume.import", { text, ...(fileName ? { file_name: fileName } : {}), dry_run: dryRun });
      } catch (e) {
        // Every problem is with the text: `text` itself, or `text[3].orders` for its line 3.
        const error = toOperationError(e);
        const messages = error.fields.map((f) => {
          const at = problemAt(f.field, "text");
          return at ? v.lineProblem(at.at, v.field[at.name] ?? at.name, problem(at.name, f.code, f.message)) : f.message;
        });
        // All under the text, one line each.
        throw new OperationError({
          ...error.error,
          fields: capped(messages, v.more).map((message) => ({ field: "text", code: "field.invalid", message })),
        });
      }
    });
    setPending(null);
    if (!done || !out.saved) {
      setPreview(null);
      return;
    }
    if (dryRun) {
      setPreview(out.saved);
    } else {
      message.success(v.imported(out.saved.entries));
      onImported(out.saved);
    }
  };

  const checked = preview !== null;
  return (
    <Modal
      open={open}
      title={v.importTitle}
      onCancel={onClose}
      afterClose={() => {
        setFileName(null);
        setPreview(null);
      }}
      destroyOnHidden
      width={680}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {v.cancel}
        </Button>,
        <Button
          key="preview"
          onClick={() => send(true)}
          loading={busy && pending === "preview"}
          disabled={busy && pending !== "preview"}
          data-testid="volume-import-preview"
        >
          {v.preview}
        </Button>,
        <Button
          key="import"
          type="primary"
          onClick={() => send(false)}
          loading={busy && pending === "import"}
          disabled={!checked || (busy && pending !== "import")}
          title={checked ? undefined : v.previewFirst}
          data-testid="volume-import-submit"
        >
          {v.import}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary">{v.importHint}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} preserve={false} onValuesChange={() => setPreview(null)}>
        <Space style={{ marginBottom: 8 }}>
          <Button icon={<UploadOutlined />} onClick={() => fileInput.current?.click()} data-testid="volume-import-choose">
            {v.chooseFile}
          </Button>
          {fileName && <Tag data-testid="volume-import-file-name">{fileName}</Tag>}
        </Space>
        <Form.Item name="text" label={v.importText} rules={[{ required: true, message: m.auth.required }]}>
          <Input.TextArea
            rows={10}
            spellCheck={false}
            placeholder={v.importPlaceholder}
            style={{ fontFamily: "monospace" }}
            data-testid="volume-import-text"
          />
        </Form.Item>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,.txt,.tsv"
          style={{ display: "none" }}
          onChange={pickFile}
          data-testid="volume-import-file"
        />
      </Form>
      {preview ? (
        <Alert
          type="success"
          showIcon
          title={v.previewResult(preview.entries, preview.months)}
          data-testid="volume-import-result"
        />
      ) : (
        <Typography.Text type="secondary">{v.previewFirst}</Typography.Text>
      )}
    </Modal>
  );
}
