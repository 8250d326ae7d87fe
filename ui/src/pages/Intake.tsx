import { BookOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  List,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useCallback, useEffect, useRef, useState } from "react";

import {
  call,
  type CaseRow,
  type Complexity,
  type Demand,
  type HandlerView,
  type IntakeRequest,
  type IntakeResponse,
  type OperationError,
  type OrgUnitView,
  type Satisfaction,
  type RelatedCases,
  type Severity,
} from "../api";
import { useSubmit } from "../api/forms";
import { StatusTag } from "../components/labels";
import { StandardsLookup } from "../components/standards";
import { formatDateTime } from "../format";
import { useCodes } from "../codes";
import { useI18n } from "../i18n";
import { useSession } from "../session";

const DEMANDS: Demand[] = ["refund", "exchange", "repair", "compensation", "apology", "other"];
const SEVERITIES: Severity[] = ["general", "serious", "major", "mass"];
const SATISFACTIONS: Satisfaction[] = ["satisfied", "fairly_satisfied", "dissatisfied"];

interface Values {
  consumer: { name: string; mobile?: string; landline?: string; email?: string; address?: string };
  channel: string;
  store_id?: string;
  product_name: string;
  product_model?: string;
  quantity: number;
  amount_paid?: string;
  order_no?: string;
  purchased_at?: Dayjs;
  content: string;
  demand: Demand;
  demand_amount?: string;
  category?: string;
  department_id?: string;
  severity: Severity;
  complexity: Complexity;
  on_the_spot?: { answer: string; consumer_response: string; satisfaction: Satisfaction };
  handler_id?: string;
  expected_resolution?: Dayjs;
  acknowledged: boolean;
}

const INITIAL: Partial<Values> = {
  channel: "hotline",
  quantity: 1,
  demand: "repair",
  severity: "general",
  complexity: "complex",
  acknowledged: true,
};

/** Channels where the consumer is on the line or at the counter: told at once by default. */
const LIVE_CHANNELS = new Set(["hotline", "store"]);

/** How long typing may pause before the draft is saved and related cases are looked up. */
const DRAFT_DELAY_MS = 2_000;
const LOOKUP_DELAY_MS = 400;

/** The draft as stored: dates as text. */
function toDraft(v: Partial<Values>): string {
  return JSON.stringify({
    ...v,
    purchased_at: v.purchased_at?.format("YYYY-MM-DD"),
    expected_resolution: v.expected_resolution?.format("YYYY-MM-DD"),
  });
}

function fromDraft(text: string | null): Partial<Values> | null {
  if (!text) return null;
  try {
    const d = JSON.parse(text) as Partial<Values> & { purchased_at?: string; expected_resolution?: string };
    return {
      ...d,
      purchased_at: d.purchased_at ? dayjs(d.purchased_at) : undefined,
      expected_resolution: d.expected_resolution ? dayjs(d.expected_resolution) : undefined,
    };
  } catch {
    return null;
  }
}

/** 受理: one complaint, by keyboard alone if need be, while the consumer is on the line. */
export function Intake({ onOpenLedger }: { onOpenLedger: () => void }) {
  const { m } = useI18n();
  const codes = useCodes();
  const t = m.intake;
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const { busy, run } = useSubmit(form);
  const [units, setUnits] = useState<OrgUnitView[]>([]);
  const [handlers, setHandlers] = useState<HandlerView[]>([]);
  const [done, setDone] = useState<IntakeResponse | null>(null);
  const [related, setRelated] = useState<RelatedCases | null>(null);
  // Earlier cases this complaint is linked to, or repeats (then it is merged into that one).
  const [links, setLinks] = useState<CaseRow[]>([]);
  const [duplicateOf, setDuplicateOf] = useState<CaseRow | null>(null);
  // The operating standards in force, read beside the form (which stays as typed).
  const [standardsOpen, setStandardsOpen] = useState(false);
  const complexity = Form.useWatch("complexity", form);
  const channel = Form.useWatch("channel", form);
  const category = Form.useWatch("category", form);
  const mobile = Form.useWatch(["consumer", "mobile"], form);
  const orderNo = Form.useWatch("order_no", form);
  const { phase } = useSession();
  // One draft per account, so that a shared desk does not hand one agent's draft to another.
  const draftKey = `redress.intake.draft.${phase.kind === "ready" ? phase.session.account.id : "-"}`;
  const [restored] = useState(() => fromDraft(globalThis.localStorage?.getItem(draftKey)));
  const draftTimer = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (restored) form.setFieldsValue(restored);
  }, [restored, form]);

  const saveDraft = (changed: Partial<Values>, all: Partial<Values>) => {
    // A consumer on the line or at the counter hears at once that the complaint is accepted.
    if (changed.channel !== undefined) {
      const entry = codes.lists.channels.find((c) => c.code === changed.channel);
      form.setFieldValue("acknowledged", LIVE_CHANNELS.has(changed.channel) || Boolean(entry?.requires_store));
    }
    window.clearTimeout(draftTimer.current);
    draftTimer.current = window.setTimeout(() => localStorage.setItem(draftKey, toDraft(all)), DRAFT_DELAY_MS);
  };
  const dropDraft = useCallback(() => {
    window.clearTimeout(draftTimer.current);
    localStorage.removeItem(draftKey);
  }, [draftKey]);

  useEffect(() => {
    if (!mobile && !orderNo) return;
    const timer = window.setTimeout(() => {
      call("cases.related", { mobile: mobile || undefined, order_no: orderNo || undefined })
        .then(setRelated)
        .catch(() => setRelated(null));
    }, LOOKUP_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [mobile, orderNo]);

  useEffect(() => {
    Promise.all([call("org.list", {}), call("org.handlers", {})])
      .then(([u, h]) => {
        setUnits(u);
        setHandlers(h);
      })
      .catch((e: OperationError) => message.error(e.message));
  }, [message]);

  const submit = async (v: Values) => {
    const request: IntakeRequest = {
      consumer: {
        name: v.consumer.name,
        mobile: v.consumer.mobile || null,
        landline: v.consumer.landline || null,
        email: v.consumer.email || null,
        address: v.consumer.address || null,
      },
      channel: v.channel,
      store_id: v.store_id,
      product_name: v.product_name,
      product_model: v.product_model,
      quantity: v.quantity,
      amount_paid: v.amount_paid,
      order_no: v.order_no,
      purchased_at: v.purchased_at?.format("YYYY-MM-DD"),
      content: v.content,
      demand: v.demand,
      demand_amount: v.demand_amount,
      category: v.category ?? "",
      department_id: v.department_id,
      severity: v.severity,
      complexity: v.complexity,
      on_the_spot: v.complexity === "simple" ? v.on_the_spot : undefined,
      handler_id: v.complexity === "complex" ? v.handler_id : undefined,
      expected_resolution: v.complexity === "complex" ? v.expected_resolution?.format("YYYY-MM-DD") : undefined,
      acknowledged: v.acknowledged,
      related_case_ids: links.map((c) => c.id),
      duplicate_of: duplicateOf?.id,
    };
    if (await run(async () => setDone(await call("cases.create", request)))) dropDraft();
  };

  const again = useCallback(() => {
    setDone(null);
    setRelated(null);
    setLinks([]);
    setDuplicateOf(null);
    form.resetFields();
  }, [form]);

  // Ctrl+Enter records, from any field.
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.submit();
    }
  };

  if (done) {
    return (
      <div className="page">
        <Result
          status="success"
          title={<span data-testid="intake-done">{t.saved(done.case_no)}</span>}
          subTitle={
            done.merged_into
              ? t.mergedInto(done.merged_into)
              : done.status === "closed"
                ? t.closedOnSpot
                : t.transferred(done.expected_resolution ?? "")
          }
          extra={[
            <Button type="primary" key="again" onClick={again} autoFocus data-testid="intake-again">
              {t.another}
            </Button>,
            <Button key="ledger" onClick={onOpenLedger}>
              {t.openLedger}
            </Button>,
          ]}
        />
      </div>
    );
  }

  const required = { required: true, message: m.auth.required };
  const stores = units.filter((u) => u.kind === "store" || u.kind === "branch");
  const departments = units.filter((u) => u.kind === "department");
  const channelEntry = codes.lists.channels.find((c) => c.code === channel);
  const storeRequired = Boolean(channelEntry?.requires_store);
  const toggleLink = (c: CaseRow) =>
    setLinks((now) => (now.some((l) => l.id === c.id) ? now.filter((l) => l.id !== c.id) : [...now, c]));
  return (
    <>
    <div className="page" onKeyDown={onKeyDown}>
      {restored && (
        <Alert
          type="info"
          showIcon
          closable
          style={{ marginBottom: 12 }}
          message={t.draftRestored}
          action={
            <Button
              size="small"
              onClick={() => {
                dropDraft();
                form.resetFields();
              }}
            >
              {t.discardDraft}
            </Button>
          }
          data-testid="draft-restored"
        />
      )}
      <Row gutter={12}>
      <Col span={17}>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={INITIAL}
        onFinish={submit}
        onValuesChange={saveDraft}
        requiredMark
        scrollToFirstError
        data-testid="intake-form"
      >
        <Card size="small" title={t.consumer} style={{ marginBottom: 12 }}>
          <Row gutter={12}>
            <Col span={6}>
              <Form.Item name={["consumer", "name"]} label={t.name} rules={[required]}>
                <Input autoFocus data-testid="intake-name" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={["consumer", "mobile"]} label={t.mobile} extra={t.contactHint}>
                <Input inputMode="tel" data-testid="intake-mobile" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={["consumer", "landline"]} label={t.landline}>
                <Input inputMode="tel" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={["consumer", "email"]} label={t.email}>
                <Input inputMode="email" />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name={["consumer", "address"]} label={t.address}>
                <Input />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card size="small" title={t.purchase} style={{ marginBottom: 12 }}>
          <Row gutter={12}>
            <Col span={6}>
              <Form.Item name="channel" label={t.channel} rules={[required]}>
                <Select
                  showSearch
                  optionFilterProp="label"
                  options={codes.active("channel").map((c) => ({ value: c.code, label: codes.label("channel", c.code) }))}
                  data-testid="intake-channel"
                />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item
                name="store_id"
                label={t.store}
                rules={storeRequired ? [required] : []}
                required={storeRequired}
                data-testid="intake-store-item"
              >
                <Select
                  allowClear
                  showSearch
                  optionFilterProp="label"
                  options={stores.map((s) => ({ value: s.id, label: s.name }))}
                  data-testid="intake-store"
                />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="product_name" label={t.product} rules={[required]}>
                <Input data-testid="intake-product" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="product_model" label={t.model}>
                <Input />
              </Form.Item>
            </Col>
            <Col span={4}>
              <Form.Item name="quantity" label={t.quantity} rules={[required]}>
                <InputNumber min={1} precision={0} style={{ width: "100%" }} data-testid="intake-quantity" />
              </Form.Item>
            </Col>
            <Col span={5}>
              <Form.Item name="amount_paid" label={t.amountPaid}>
                <Input inputMode="decimal" data-testid="intake-amount" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="order_no" label={t.orderNo}>
                <Input />
              </Form.Item>
            </Col>
            <Col span={7}>
              <Form.Item name="purchased_at" label={t.purchasedAt}>
                <DatePicker style={{ width: "100%" }} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="content" label={t.content} rules={[required]}>
                <Input.TextArea rows={3} maxLength={5000} showCount data-testid="intake-content" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="demand" label={t.demand} rules={[required]}>
                <Select options={DEMANDS.map((d) => ({ value: d, label: m.labels.demand[d] }))} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="demand_amount" label={t.demandAmount}>
                <Input inputMode="decimal" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card size="small" title={t.judgment} style={{ marginBottom: 12 }}>
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name="category" label={t.category} rules={[required]}>
                <Select
                  showSearch
                  optionFilterProp="label"
                  options={codes.active("category").map((c) => ({ value: c.code, label: codes.label("category", c.code) }))}
                  optionRender={(o) => (
                    <Space direction="vertical" size={0}>
                      <span>{o.label}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: "normal" }}>
                        {codes.definition("category", String(o.value))}
                      </Typography.Text>
                    </Space>
                  )}
                  data-testid="intake-category"
                />
              </Form.Item>
            </Col>
            <Col span={16}>
              <Typography.Text type="secondary" data-testid="intake-category-definition">
                {category ? codes.definition("category", category) : t.categoryHint}
              </Typography.Text>
            </Col>
            <Col span={8}>
              <Form.Item name="department_id" label={t.department}>
                <Select
                  allowClear
                  showSearch
                  optionFilterProp="label"
                  options={departments.map((d) => ({ value: d.id, label: d.name }))}
                  data-testid="intake-department"
                />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="severity" label={t.severity} rules={[required]}>
                <Radio.Group data-testid="intake-severity">
                  <Space direction="vertical">
                    {SEVERITIES.map((s) => (
                      <Radio key={s} value={s}>
                        {m.labels.severity[s]}
                        <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                          {t.severityHint[s]}
                        </Typography.Text>
                      </Radio>
                    ))}
                  </Space>
                </Radio.Group>
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="complexity" label={t.complexity} rules={[required]}>
                <Radio.Group data-testid="intake-complexity">
                  <Radio value="simple" data-testid="intake-simple">
                    {t.simple}
                  </Radio>
                  <Radio value="complex" data-testid="intake-complex">
                    {t.complex}
                  </Radio>
                </Radio.Group>
              </Form.Item>
            </Col>
            {complexity === "simple" ? (
              <>
                <Col span={12}>
                  <Form.Item name={["on_the_spot", "answer"]} label={t.answer} rules={[required]}>
                    <Input.TextArea rows={2} data-testid="intake-answer" />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name={["on_the_spot", "consumer_response"]} label={t.consumerResponse} rules={[required]}>
                    <Input data-testid="intake-response" />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name={["on_the_spot", "satisfaction"]} label={t.satisfaction} rules={[required]}>
                    <Select
                      options={SATISFACTIONS.map((s) => ({ value: s, label: m.labels.satisfaction[s] }))}
                      data-testid="intake-satisfaction"
                    />
                  </Form.Item>
                </Col>
              </>
            ) : (
              <>
                <Col span={8}>
                  <Form.Item name="handler_id" label={t.handler}>
                    <Select
                      allowClear
                      showSearch
                      optionFilterProp="label"
                      options={handlers.map((h) => ({
                        value: h.id,
                        label: h.unit_name ? `${h.display_name}（${h.unit_name}）` : h.display_name,
                      }))}
                      data-testid="intake-handler"
                    />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item name="expected_resolution" label={t.expectedResolution} extra={t.expectedHint}>
                    <DatePicker style={{ width: "100%" }} />
                  </Form.Item>
                </Col>
              </>
            )}
          </Row>
        </Card>
        <Form.Item name="acknowledged" valuePropName="checked" extra={t.acknowledgedHint}>
          <Checkbox data-testid="intake-acknowledged">{t.acknowledged}</Checkbox>
        </Form.Item>
        {(links.length > 0 || duplicateOf) && (
          <Alert
            style={{ marginBottom: 12 }}
            type={duplicateOf ? "warning" : "info"}
            showIcon
            data-testid="intake-links"
            message={
              duplicateOf ? (
                <Space>
                  {t.willMerge(duplicateOf.case_no)}
                  <Button size="small" onClick={() => setDuplicateOf(null)} data-testid="intake-unmerge">
                    {t.cancelMerge}
                  </Button>
                </Space>
              ) : (
                <Space wrap size={4}>
                  {t.willLink}
                  {links.map((l) => (
                    <Tag key={l.id} closable onClose={() => toggleLink(l)} className="num">
                      {l.case_no}
                    </Tag>
                  ))}
                </Space>
              )
            }
          />
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="intake-submit">
            {duplicateOf ? t.submitMerge : t.submit}
          </Button>
          <Button
            onClick={() => {
              dropDraft();
              form.resetFields();
            }}
          >
            {t.reset}
          </Button>
        </Space>
      </Form>
      </Col>
      <Col span={7}>
        <Button
          block
          icon={<BookOutlined />}
          style={{ marginBottom: 12 }}
          onClick={() => setStandardsOpen(true)}
          data-testid="intake-standards"
        >
          {m.standards.lookup.open}
        </Button>
        <Card size="small" title={t.related} extra={<Typography.Text type="secondary">{t.relatedHint}</Typography.Text>} data-testid="related">
          {related && related.consumer_case_count > 0 && (
            <Typography.Paragraph strong>{t.history(related.consumer_case_count)}</Typography.Paragraph>
          )}
          {related && related.items.length > 0 ? (
            <List
              size="small"
              dataSource={related.items}
              renderItem={(c) => (
                <List.Item key={c.id}>
                  <Space direction="vertical" size={0}>
                    <Space size={4}>
                      <Typography.Text className="num">{c.case_no}</Typography.Text>
                      <StatusTag status={c.status} />
                    </Space>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(c.received_at)} · {c.product_name} · {codes.label("category", c.category)}
                    </Typography.Text>
                    {c.status !== "merged" && (
                      <Space size={4} style={{ marginTop: 4 }}>
                        <Button
                          size="small"
                          type={links.some((l) => l.id === c.id) ? "primary" : "default"}
                          onClick={() => toggleLink(c)}
                          data-testid={`related-link-${c.case_no}`}
                        >
                          {links.some((l) => l.id === c.id) ? t.linked : t.link}
                        </Button>
                        <Button
                          size="small"
                          danger={duplicateOf?.id === c.id}
                          onClick={() => setDuplicateOf(duplicateOf?.id === c.id ? null : c)}
                          data-testid={`related-duplicate-${c.case_no}`}
                        >
                          {t.duplicate}
                        </Button>
                      </Space>
                    )}
                  </Space>
                </List.Item>
              )}
            />
          ) : (
            <Typography.Text type="secondary">{t.relatedNone}</Typography.Text>
          )}
        </Card>
      </Col>
      </Row>
    </div>
    {/* Outside the page: its keys (Ctrl+Enter) never send the intake form. */}
    <StandardsLookup open={standardsOpen} category={category} onClose={() => setStandardsOpen(false)} />
    </>
  );
}
