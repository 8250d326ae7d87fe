import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Form, Input, Modal, Select, Space, Table } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";

import { call, type OperationError, type OrgUnitKind, type OrgUnitView } from "../../api";
import { useSubmit } from "../../api/forms";
import { useI18n } from "../../i18n";

const KINDS: OrgUnitKind[] = ["company", "subsidiary", "branch", "department", "store"];

type Node = OrgUnitView & { children?: Node[] };

function tree(units: OrgUnitView[]): Node[] {
  const byId = new Map<string, Node>(units.map((u) => [u.id, { ...u }]));
  const roots: Node[] = [];
  for (const node of byId.values()) {
    const parent = node.parent_id ? byId.get(node.parent_id) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

interface Values {
  code?: string;
  name?: string;
  kind?: OrgUnitKind;
  parent_id?: string;
  city?: string;
}

/** 组织机构: company → subsidiaries and branches → departments and stores (§一(二)). */
export function Org() {
  const { m } = useI18n();
  const o = m.admin.org;
  const { message } = App.useApp();
  const [units, setUnits] = useState<OrgUnitView[]>([]);
  const [editing, setEditing] = useState<OrgUnitView | "new" | null>(null);
  const [form] = Form.useForm<Values>();
  const { busy, run } = useSubmit(form);

  const load = useCallback(() => {
    call("org.list", {})
      .then(setUnits)
      .catch((e: OperationError) => message.error(e.message));
  }, [message]);
  useEffect(load, [load]);
  const roots = useMemo(() => tree(units), [units]);

  const open = (target: OrgUnitView | "new") => {
    form.resetFields();
    if (target !== "new") {
      form.setFieldsValue({ name: target.name, parent_id: target.parent_id ?? undefined, city: target.city ?? undefined });
    }
    setEditing(target);
  };

  const submit = async (v: Values) => {
    const target = editing;
    const done = await run(async () => {
      if (target === "new") {
        await call("org.create", {
          code: v.code ?? "",
          name: v.name ?? "",
          kind: v.kind ?? "store",
          parent_id: v.parent_id ?? null,
          city: v.city ?? null,
        });
      } else if (target) {
        await call("org.update", { id: target.id, name: v.name, parent_id: v.parent_id, city: v.city });
      }
    });
    if (done) {
      message.success(o.saved);
      setEditing(null);
      load();
    }
  };

  const required = { required: true, message: m.auth.required };
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open("new")}>
          {o.new}
        </Button>
      </Space>
      <Table<Node>
        rowKey="id"
        size="small"
        bordered
        pagination={false}
        dataSource={roots}
        expandable={{ defaultExpandAllRows: true }}
        data-testid="org-table"
        columns={[
          { key: "name", title: o.name, dataIndex: "name" },
          { key: "code", title: o.code, dataIndex: "code", width: 140 },
          { key: "kind", title: o.kind, dataIndex: "kind", width: 100, render: (k: OrgUnitKind) => m.labels.orgKind[k] },
          { key: "city", title: o.city, dataIndex: "city", width: 100, render: (c: string | null) => c ?? "—" },
          {
            key: "actions",
            title: "",
            width: 90,
            render: (_: unknown, u) => (
              <Button size="small" onClick={() => open(u)}>
                {o.edit}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === "new" ? o.new : o.edit}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form<Values> form={form} layout="vertical" onFinish={submit} requiredMark={false} preserve={false}>
          {editing === "new" && (
            <>
              <Form.Item name="code" label={o.code} rules={[required]}>
                <Input />
              </Form.Item>
              <Form.Item name="kind" label={o.kind} rules={[required]}>
                <Select options={KINDS.map((k) => ({ value: k, label: m.labels.orgKind[k] }))} />
              </Form.Item>
            </>
          )}
          <Form.Item name="name" label={o.name} rules={[required]}>
            <Input />
          </Form.Item>
          <Form.Item name="parent_id" label={o.parent}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={units
                .filter((u) => editing === "new" || editing === null || u.id !== editing.id)
                .map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
          <Form.Item name="city" label={o.city}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
