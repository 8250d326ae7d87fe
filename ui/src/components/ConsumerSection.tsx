import { Alert, App, Button, Descriptions, Flex, Form, Input, Modal, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";

import { call, type ConsumerCase, type ConsumerContact, type ConsumerView, type OperationError } from "../api";
import { useSubmit } from "../api/forms";
import { formatDate } from "../format";
import { useI18n } from "../i18n";
import { StatusTag } from "./labels";

interface ContactValues {
  contact?: Partial<Record<keyof ConsumerContact, string | null>>;
  note?: string;
}

/** An empty field is no value at all. */
const blank = (v: string | null | undefined): string | null => {
  const t = (v ?? "").trim();
  return t === "" ? null : t;
};

/** Corrects the consumer's contact data (the core checks it; its field errors land on the items). */
function EditContact({
  open,
  caseId,
  contact,
  onClose,
  onDone,
}: {
  open: boolean;
  caseId: string;
  contact: ConsumerContact;
  onClose: () => void;
  onDone: (view: ConsumerView) => void;
}) {
  const { m } = useI18n();
  const d = m.caseDetail;
  const c = d.consumerRecord;
  const [form] = Form.useForm<ContactValues>();
  const { busy, run } = useSubmit(form);
  const submit = async (v: ContactValues) => {
    let view: ConsumerView | null = null;
    const ok = await run(async () => {
      view = await call("consumers.update", {
        case_id: caseId,
        contact: {
          name: (v.contact?.name ?? "").trim(),
          mobile: blank(v.contact?.mobile),
          landline: blank(v.contact?.landline),
          email: blank(v.contact?.email),
          address: blank(v.contact?.address),
        },
        note: blank(v.note) ?? undefined,
      });
    });
    if (ok && view) onDone(view);
  };
  return (
    <Modal
      open={open}
      title={c.edit}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "consumer-edit-ok" } as React.ComponentProps<typeof Button>}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{c.editHint}</Typography.Paragraph>
      <Form<ContactValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ contact: { ...contact } }}
        preserve={false}
      >
        <Form.Item name={["contact", "name"]} label={c.name} rules={[{ required: true, whitespace: true, message: m.auth.required }]}>
          <Input maxLength={50} autoFocus data-testid="contact-name" />
        </Form.Item>
        <Form.Item name={["contact", "mobile"]} label={d.mobile}>
          <Input maxLength={20} className="num" data-testid="contact-mobile" />
        </Form.Item>
        <Form.Item name={["contact", "landline"]} label={d.landline}>
          <Input maxLength={30} className="num" data-testid="contact-landline" />
        </Form.Item>
        <Form.Item name={["contact", "email"]} label={d.email}>
          <Input maxLength={100} data-testid="contact-email" />
        </Form.Item>
        <Form.Item name={["contact", "address"]} label={d.address}>
          <Input maxLength={200} data-testid="contact-address" />
        </Form.Item>
        <Form.Item name="note" label={c.reason}>
          <Input.TextArea rows={2} maxLength={200} placeholder={c.reasonHint} data-testid="contact-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface MergeValues {
  duplicate_case?: string;
  note?: string;
}

/** Makes two records of one person one: the duplicate's cases, found by one of its case numbers, move here. */
function MergeConsumer({
  open,
  caseId,
  onClose,
  onDone,
}: {
  open: boolean;
  caseId: string;
  onClose: () => void;
  onDone: (view: ConsumerView) => void;
}) {
  const { m } = useI18n();
  const c = m.caseDetail.consumerRecord;
  const { modal } = App.useApp();
  const [form] = Form.useForm<MergeValues>();
  const { busy, run } = useSubmit(form);
  const submit = (v: MergeValues) => {
    const duplicate = (v.duplicate_case ?? "").trim();
    modal.confirm({
      title: c.mergeConfirmTitle,
      content: c.mergeConfirm(duplicate),
      okText: c.mergeOk,
      okButtonProps: { "data-testid": "consumer-merge-confirm-ok" } as React.ComponentProps<typeof Button>,
      onOk: async () => {
        let view: ConsumerView | null = null;
        const ok = await run(async () => {
          view = await call("consumers.merge", { case_id: caseId, duplicate_case: duplicate, note: blank(v.note) ?? undefined });
        });
        if (ok && view) onDone(view);
      },
    });
  };
  return (
    <Modal
      open={open}
      title={c.merge}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "consumer-merge-ok" } as React.ComponentProps<typeof Button>}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={c.mergeHint} style={{ marginBottom: 12 }} />
      <Form<MergeValues> form={form} layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item name="duplicate_case" label={c.duplicateCase} rules={[{ required: true, whitespace: true, message: m.auth.required }]}>
          <Input autoFocus className="num" placeholder={c.duplicateCaseHint} data-testid="consumer-merge-case" />
        </Form.Item>
        <Form.Item name="note" label={c.mergeNote}>
          <Input.TextArea rows={2} maxLength={200} data-testid="consumer-merge-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * The case's consumer (§二(三): one consumer, many cases): their contact, every case of theirs
 * the person may see, and, for those who take or handle complaints, correcting the contact and
 * merging a duplicate record.
 */
export function ConsumerSection({
  caseId,
  contact,
  canWork,
  reloadToken,
  onOpenCase,
  onChanged,
}: {
  caseId: string;
  /** The contact as the case shows it, until the consumer's record is loaded. */
  contact: ConsumerContact;
  /** May record intake or handle: correct and merge (correcting only when seen in full). */
  canWork: boolean;
  /** Changes when the case was loaded again: the record is loaded again too. */
  reloadToken: number;
  onOpenCase: (id: string) => void;
  /** The record was changed here: the case is loaded again. */
  onChanged: () => void;
}) {
  const { m, lang } = useI18n();
  const d = m.caseDetail;
  const c = d.consumerRecord;
  const { message } = App.useApp();
  const [loaded, setLoaded] = useState<{ id: string; view?: ConsumerView; error?: OperationError } | null>(null);
  const [dialog, setDialog] = useState<"edit" | "merge" | null>(null);

  useEffect(() => {
    let live = true;
    call("consumers.get", { case_id: caseId })
      .then((view) => live && setLoaded({ id: caseId, view: view ?? undefined }))
      .catch((error: OperationError) => live && setLoaded({ id: caseId, error }));
    return () => {
      live = false;
    };
  }, [caseId, reloadToken]);

  const view = loaded?.id === caseId ? (loaded.view ?? null) : null;
  const error = loaded?.id === caseId ? (loaded.error ?? null) : null;
  const shown = view?.contact ?? contact;

  const done = (next: ConsumerView, note: string) => {
    setDialog(null);
    setLoaded({ id: caseId, view: next });
    message.success(note);
    onChanged();
  };

  const total = view ? view.cases.length + view.hidden : 0;
  const others = view ? view.cases.filter((x) => x.id !== caseId).length : 0;

  return (
    <div data-testid="consumer-section">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {c.title}
        </Typography.Title>
        {canWork && (
          <Space wrap>
            {view && !view.masked && (
              <Button size="small" onClick={() => setDialog("edit")} data-testid="consumer-edit">
                {c.edit}
              </Button>
            )}
            <Button size="small" onClick={() => setDialog("merge")} data-testid="consumer-merge">
              {c.merge}
            </Button>
          </Space>
        )}
      </Flex>
      <Descriptions size="small" bordered column={2} data-testid="consumer-contact">
        <Descriptions.Item label={d.consumer}>{shown.name}</Descriptions.Item>
        <Descriptions.Item label={d.mobile}>{shown.mobile ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={d.landline}>{shown.landline ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={d.email}>{shown.email ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={d.address} span={2}>
          {shown.address ?? "—"}
        </Descriptions.Item>
      </Descriptions>
      {view?.masked && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="consumer-masked">
          {c.masked}
        </Typography.Text>
      )}
      {error && <Alert type="error" showIcon title={error.message} style={{ marginTop: 8 }} />}
      {view && (
        <div style={{ marginTop: 12 }}>
          <Typography.Text strong data-testid="consumer-cases-title">
            {c.cases(total)}
          </Typography.Text>
          {(view.hidden > 0 || view.merged > 0) && (
            <Space orientation="vertical" size={0} style={{ display: "flex", marginTop: 4 }}>
              {view.hidden > 0 && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="consumer-hidden">
                  {c.hidden(view.hidden)}
                </Typography.Text>
              )}
              {view.merged > 0 && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="consumer-merged">
                  {c.merged(view.merged)}
                </Typography.Text>
              )}
            </Space>
          )}
          {others === 0 && view.hidden === 0 && (
            <Typography.Paragraph type="secondary" style={{ margin: "4px 0 0" }} data-testid="consumer-no-other">
              {c.noOther}
            </Typography.Paragraph>
          )}
          {others > 0 && (
            <Table<ConsumerCase>
              size="small"
              rowKey="id"
              style={{ marginTop: 8 }}
              dataSource={view.cases}
              data-testid="consumer-cases"
              pagination={{ pageSize: 5, hideOnSinglePage: true, showSizeChanger: false }}
              onRow={(x) => ({ "data-testid": `consumer-case-${x.case_no}` }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                {
                  key: "case_no",
                  title: c.columns.case_no,
                  width: 170,
                  render: (_: unknown, x: ConsumerCase) =>
                    x.id === caseId ? (
                      <Space size={4}>
                        <span className="num">{x.case_no}</span>
                        <Tag>{c.thisCase}</Tag>
                      </Space>
                    ) : (
                      <Button
                        type="link"
                        size="small"
                        className="num"
                        style={{ padding: 0 }}
                        onClick={() => onOpenCase(x.id)}
                        aria-label={d.openCase(x.case_no)}
                      >
                        {x.case_no}
                      </Button>
                    ),
                },
                {
                  key: "received_at",
                  title: c.columns.received_at,
                  width: 130,
                  render: (_: unknown, x: ConsumerCase) => formatDate(x.received_at, lang),
                },
                {
                  key: "status",
                  title: c.columns.status,
                  width: 96,
                  render: (_: unknown, x: ConsumerCase) => <StatusTag status={x.status} />,
                },
                { key: "product", title: c.columns.product, dataIndex: "product_name", ellipsis: true },
                {
                  key: "result",
                  title: c.columns.result,
                  ellipsis: true,
                  render: (_: unknown, x: ConsumerCase) => x.result ?? "—",
                },
              ]}
            />
          )}
        </div>
      )}
      {view && !view.masked && (
        <EditContact
          open={dialog === "edit"}
          caseId={caseId}
          contact={view.contact}
          onClose={() => setDialog(null)}
          onDone={(next) => done(next, c.saved)}
        />
      )}
      <MergeConsumer
        open={dialog === "merge"}
        caseId={caseId}
        onClose={() => setDialog(null)}
        onDone={(next) => done(next, c.mergedDone)}
      />
    </div>
  );
}
