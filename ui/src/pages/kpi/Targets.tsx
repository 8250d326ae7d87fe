import { PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState, type ComponentProps, type HTMLAttributes } from "react";

import {
  call,
  OperationError,
  toOperationError,
  type KpiCode,
  type KpiTargetRow,
  type KpiTargetSetRequest,
  type OrgUnitView,
} from "../../api";
import { useSubmit } from "../../api/forms";
import { useI18n } from "../../i18n";
import { HIGHER_IS_BETTER, KPI_CODES, KpiHelp, useKpiText } from "./shared";

/** The unit select's "whole company" (a target without a unit). */
const COMPANY = "*";
/** A year, a quarter or a month, as the core takes them. */
const PERIOD_PATTERN = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;
/** Units a target may be set for: the company's is the one without a unit. */
const TARGET_UNITS: ReadonlySet<OrgUnitView["kind"]> = new Set(["subsidiary", "branch", "department", "store"]);

/** Props for a table row: antd types `onRow` without `data-*` attributes. */
const rowProps = (testId: string) => ({ "data-testid": testId }) as HTMLAttributes<HTMLElement>;

interface TargetValues {
  unit_id: string;
  period: string;
  kpi: KpiCode;
  goal?: number | null;
  limit?: number | null;
}

const testKey = (t: Pick<KpiTargetRow, "unit_id" | "period" | "kpi">) => `${t.unit_id ?? "company"}-${t.period}-${t.kpi}`;

/** 目标: the targets that apply to the period, set and removed by those who manage KPIs. */
export function Targets({ period, mayManage, onChanged }: { period: string; mayManage: boolean; onChanged: () => void }) {
  const { m } = useI18n();
  const k = m.kpi;
  const t = k.targets;
  const { message } = App.useApp();
  const text = useKpiText();
  const [rows, setRows] = useState<{ period: string; rows: KpiTargetRow[] } | null>(null);
  const [units, setUnits] = useState<OrgUnitView[]>([]);
  const [reloads, setReloads] = useState(0);
  const [editing, setEditing] = useState<{ target: KpiTargetRow | "new"; session: number; open: boolean }>({
    target: "new",
    session: 0,
    open: false,
  });
  const [removing, setRemoving] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    call("kpi.targets", { period })
      .then((found) => live && setRows({ period, rows: found }))
      .catch((e: OperationError) => live && message.error(e.message));
    return () => {
      live = false;
    };
  }, [period, reloads, message]);

  useEffect(() => {
    let live = true;
    call("org.list", {})
      .then((found) => live && setUnits(found.filter((u) => TARGET_UNITS.has(u.kind))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const changed = useCallback(() => {
    setReloads((n) => n + 1);
    onChanged();
  }, [onChanged]);
  const show = (target: KpiTargetRow | "new") => setEditing((e) => ({ target, session: e.session + 1, open: true }));
  const hide = () => setEditing((e) => ({ ...e, open: false }));

  const remove = async (row: KpiTargetRow) => {
    setRemoving(testKey(row));
    try {
      await call("kpi.target_set", { ...(row.unit_id ? { unit_id: row.unit_id } : {}), period: row.period, kpi: row.kpi });
      message.success(t.removed);
      changed();
    } catch (e) {
      message.error(toOperationError(e).message);
    } finally {
      setRemoving(null);
    }
  };

  const c = t.columns;
  return (
    <Card
      size="small"
      title={t.listed(period)}
      extra={
        mayManage && (
          <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => show("new")} data-testid="kpi-target-add">
            {t.add}
          </Button>
        )
      }
    >
      <Alert type="info" showIcon title={t.hint} style={{ marginBottom: 12 }} data-testid="kpi-target-hint" />
      {!mayManage && (
        <Typography.Paragraph type="secondary" data-testid="kpi-target-readonly">
          {t.readOnly}
        </Typography.Paragraph>
      )}
      <Table<KpiTargetRow>
        size="small"
        bordered
        pagination={false}
        rowKey={testKey}
        loading={rows?.period !== period}
        dataSource={rows?.period === period ? rows.rows : []}
        locale={{ emptyText: t.none }}
        data-testid="kpi-targets"
        onRow={(row) => rowProps(`kpi-target-${testKey(row)}`)}
        columns={[
          {
            key: "unit",
            title: c.unit,
            render: (_: unknown, row) =>
              row.unit_id ? (
                <>
                  {row.unit_name ?? row.unit_id}
                  {/* A staff member's target, set from a scorecard. */}
                  {row.staff && <Tag style={{ marginLeft: 6 }}>{m.supervision.sanctions.subjectKind.staff}</Tag>}
                </>
              ) : (
                t.company
              ),
          },
          { key: "period", title: c.period, dataIndex: "period", width: 100, className: "num" },
          {
            key: "kpi",
            title: c.kpi,
            render: (_: unknown, row) => (
              <Space size={0}>
                {k.name[row.kpi]}
                <KpiHelp kpi={row.kpi} />
              </Space>
            ),
          },
          {
            key: "goal",
            title: c.goal,
            width: 130,
            align: "right",
            className: "num",
            render: (_: unknown, row) => text.value(row.kpi, row.goal),
          },
          {
            key: "limit",
            title: c.limit,
            width: 130,
            align: "right",
            className: "num",
            render: (_: unknown, row) => text.value(row.kpi, row.limit),
          },
          { key: "updated_by", title: c.updatedBy, dataIndex: "updated_by", width: 110 },
          ...(mayManage
            ? [
                {
                  key: "actions",
                  title: c.actions,
                  width: 120,
                  render: (_: unknown, row: KpiTargetRow) => (
                    <Space size={4}>
                      <Button
                        type="link"
                        size="small"
                        style={{ padding: 0 }}
                        onClick={() => show(row)}
                        data-testid={`kpi-target-edit-${testKey(row)}`}
                      >
                        {t.edit}
                      </Button>
                      <Popconfirm
                        title={t.removeConfirm}
                        okText={t.remove}
                        cancelText={t.cancel}
                        onConfirm={() => remove(row)}
                        okButtonProps={{ "data-testid": "kpi-target-remove-confirm" } as ComponentProps<typeof Button>}
                      >
                        <Button
                          type="link"
                          size="small"
                          danger
                          style={{ padding: 0 }}
                          loading={removing === testKey(row)}
                          data-testid={`kpi-target-remove-${testKey(row)}`}
                        >
                          {t.remove}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {mayManage && (
        <TargetModal
          open={editing.open}
          session={editing.session}
          target={editing.target}
          period={period}
          units={units}
          onClose={hide}
          onSaved={() => {
            hide();
            changed();
          }}
        />
      )}
    </Card>
  );
}

/** Sets one target: the unit (or the whole company), the period, the KPI, its goal and limit. */
function TargetModal({
  open,
  session,
  target,
  period,
  units,
  onClose,
  onSaved,
}: {
  open: boolean;
  session: number;
  target: KpiTargetRow | "new";
  period: string;
  units: OrgUnitView[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { m } = useI18n();
  const k = m.kpi;
  const t = k.targets;
  const { message } = App.useApp();
  const [form] = Form.useForm<TargetValues>();
  const { busy, run } = useSubmit(form);
  const kpi = Form.useWatch("kpi", form) ?? (target === "new" ? "on_time_rate" : target.kpi);
  const higher = HIGHER_IS_BETTER.has(kpi);
  const fixed = target !== "new";

  const initial: TargetValues =
    target === "new"
      ? { unit_id: COMPANY, period, kpi: "on_time_rate", goal: null, limit: null }
      : { unit_id: target.unit_id ?? COMPANY, period: target.period, kpi: target.kpi, goal: target.goal, limit: target.limit };

  const submit = async (v: TargetValues) => {
    const request: KpiTargetSetRequest = {
      ...(v.unit_id !== COMPANY ? { unit_id: v.unit_id } : {}),
      period: v.period.trim(),
      kpi: v.kpi,
      ...(v.goal !== null && v.goal !== undefined ? { goal: v.goal } : {}),
      ...(v.limit !== null && v.limit !== undefined ? { limit: v.limit } : {}),
    };
    const done = await run(async () => {
      try {
        await call("kpi.target_set", request);
      } catch (e) {
        // A limit on the wrong side of the goal: the core says only which way it must be.
        const error = toOperationError(e);
        throw new OperationError({
          ...error.error,
          fields: error.fields.map((f) =>
            f.field === "limit" && f.code === "field.invalid"
              ? { ...f, message: HIGHER_IS_BETTER.has(v.kpi) ? t.limitHigher : t.limitLower }
              : f,
          ),
        });
      }
    });
    if (done) {
      message.success(t.saved);
      onSaved();
    }
  };

  const required = { required: true, message: m.auth.required };
  const unit = k.unit[kpi].trim();
  return (
    <Modal
      open={open}
      title={fixed ? t.editTitle : t.addTitle}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t.save}
      cancelText={t.cancel}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ "data-testid": "kpi-target-submit" } as ComponentProps<typeof Button>}
    >
      <Form<TargetValues>
        key={session}
        form={form}
        layout="vertical"
        requiredMark={false}
        preserve={false}
        initialValues={initial}
        onFinish={submit}
        data-testid="kpi-target-form"
      >
        <Form.Item name="unit_id" label={t.unit} rules={[required]}>
          <Select
            disabled={fixed}
            showSearch={{ optionFilterProp: "label" }}
            data-testid="kpi-target-unit"
            options={[
              { value: COMPANY, label: t.company },
              ...units.map((u) => ({ value: u.id, label: `${u.name}（${m.labels.orgKind[u.kind]}）` })),
              // A staff member's target (set from a scorecard) is changed here as it is.
              ...(target !== "new" && target.staff && target.unit_id
                ? [{ value: target.unit_id, label: `${target.unit_name ?? target.unit_id}（${m.supervision.sanctions.subjectKind.staff}）` }]
                : []),
            ]}
          />
        </Form.Item>
        <Form.Item
          name="period"
          label={t.period}
          extra={t.periodHint}
          rules={[required, { pattern: PERIOD_PATTERN, message: t.periodFormat }]}
        >
          <Input disabled={fixed} autoComplete="off" style={{ width: 200 }} data-testid="kpi-target-period" />
        </Form.Item>
        <Form.Item name="kpi" label={t.kpi} rules={[required]}>
          <Select
            disabled={fixed}
            data-testid="kpi-target-kpi"
            options={KPI_CODES.map((code) => ({ value: code, label: k.name[code] }))}
          />
        </Form.Item>
        <Space size="large" align="start" wrap>
          <Form.Item name="goal" label={t.goal} rules={[required]}>
            <InputNumber min={0} step={higher ? 0.5 : 1} suffix={unit} style={{ width: 180 }} data-testid="kpi-target-goal" />
          </Form.Item>
          <Form.Item
            name="limit"
            label={t.limit}
            rules={[required]}
            extra={higher ? t.limitHigher : t.limitLower}
          >
            <InputNumber min={0} step={higher ? 0.5 : 1} suffix={unit} style={{ width: 180 }} data-testid="kpi-target-limit" />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
