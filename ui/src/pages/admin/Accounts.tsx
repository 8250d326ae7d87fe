import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag } from "antd";
import { useCallback, useEffect, useState } from "react";

import { call, type AccountView, type OperationError, type OrgUnitView, type RoleCode } from "../../api";
import { useSubmit } from "../../api/forms";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";

const ROLES: RoleCode[] = ["intake_agent", "handler", "legal", "department_head", "manager", "administrator"];

type Editing = { kind: "new" } | { kind: "edit"; account: AccountView } | { kind: "reset"; account: AccountView };

interface FormValues {
  username?: string;
  display_name?: string;
  unit_id?: string | null;
  roles?: RoleCode[];
  password?: string;
  active?: boolean;
  new_password?: string;
}

/** 账户管理: who may sign in, in which unit, with which roles. */
export function Accounts() {
  const { m } = useI18n();
  const a = m.admin.accounts;
  const { message } = App.useApp();
  const [accounts, setAccounts] = useState<AccountView[]>([]);
  const [units, setUnits] = useState<OrgUnitView[]>([]);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [form] = Form.useForm<FormValues>();
  const { busy, run } = useSubmit(form);

  const load = useCallback(() => {
    Promise.all([call("accounts.list", {}), call("org.list", {})])
      .then(([list, org]) => {
        setAccounts(list);
        setUnits(org);
      })
      .catch((e: OperationError) => message.error(e.message));
  }, [message]);
  useEffect(load, [load]);

  const open = (next: Editing) => {
    form.resetFields();
    if (next.kind === "edit") {
      form.setFieldsValue({
        display_name: next.account.display_name,
        unit_id: next.account.unit_id,
        roles: next.account.roles,
        active: next.account.active,
      });
    }
    setEditing(next);
  };

  const submit = async (values: FormValues) => {
    if (!editing) return;
    const target = editing;
    const done = await run(async () => {
      if (target.kind === "new") {
        await call("accounts.create", {
          username: values.username ?? "",
          display_name: values.display_name ?? "",
          unit_id: values.unit_id ?? null,
          roles: values.roles ?? [],
          password: values.password ?? "",
        });
      } else if (target.kind === "edit") {
        await call("accounts.update", {
          id: target.account.id,
          display_name: values.display_name,
          unit_id: values.unit_id ?? undefined,
          roles: values.roles,
          active: values.active,
        });
      } else {
        await call("accounts.reset_password", { id: target.account.id, new_password: values.new_password ?? "" });
      }
    });
    if (done) {
      message.success(target.kind === "new" ? a.created : target.kind === "edit" ? a.saved : a.resetDone);
      setEditing(null);
      load();
    }
  };

  const required = { required: true, message: m.auth.required };
  const unitOptions = units.map((u) => ({ value: u.id, label: `${u.name}（${m.labels.orgKind[u.kind]}）` }));
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open({ kind: "new" })} data-testid="account-new">
          {a.new}
        </Button>
      </Space>
      <Table<AccountView>
        rowKey="id"
        size="small"
        bordered
        dataSource={accounts}
        pagination={false}
        data-testid="accounts-table"
        columns={[
          { key: "username", title: m.auth.username, dataIndex: "username", width: 140 },
          { key: "display_name", title: m.auth.displayName, dataIndex: "display_name", width: 120 },
          { key: "unit", title: a.unit, dataIndex: "unit_name", width: 160, render: (v: string | null) => v ?? "—" },
          {
            key: "roles",
            title: a.roles,
            dataIndex: "roles",
            render: (roles: RoleCode[]) => roles.map((r) => <Tag key={r}>{m.labels.role[r]}</Tag>),
          },
          {
            key: "active",
            title: a.active,
            dataIndex: "active",
            width: 90,
            render: (v: boolean, row) => (
              <Space size={4}>
                <Tag color={v ? "green" : "default"}>{v ? a.statusActive : a.statusInactive}</Tag>
                {row.locked_until && row.locked_until > new Date().toISOString() && (
                  <Tag color="red">
                    {a.lockedUntil} {formatDateTime(row.locked_until)}
                  </Tag>
                )}
              </Space>
            ),
          },
          {
            key: "actions",
            title: a.actions,
            width: 180,
            render: (_: unknown, row) => (
              <Space>
                <Button size="small" onClick={() => open({ kind: "edit", account: row })}>
                  {a.edit}
                </Button>
                <Button size="small" onClick={() => open({ kind: "reset", account: row })}>
                  {a.resetPassword}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing?.kind === "new" ? a.new : editing?.kind === "edit" ? a.edit : a.resetPassword}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        destroyOnHidden
        okButtonProps={{ "data-testid": "account-save" } as React.ComponentProps<typeof Button>}
      >
        <Form<FormValues> form={form} layout="vertical" onFinish={submit} requiredMark={false} preserve={false}>
          {editing?.kind === "new" && (
            <Form.Item name="username" label={m.auth.username} rules={[required]}>
              <Input autoComplete="off" data-testid="account-username" />
            </Form.Item>
          )}
          {editing?.kind !== "reset" && (
            <>
              <Form.Item name="display_name" label={m.auth.displayName} rules={[required]}>
                <Input data-testid="account-display-name" />
              </Form.Item>
              <Form.Item name="unit_id" label={a.unit}>
                <Select allowClear showSearch optionFilterProp="label" options={unitOptions} data-testid="account-unit" />
              </Form.Item>
              <Form.Item name="roles" label={a.roles} rules={[required]}>
                <Select
                  mode="multiple"
                  options={ROLES.map((r) => ({ value: r, label: m.labels.role[r] }))}
                  data-testid="account-roles"
                />
              </Form.Item>
            </>
          )}
          {editing?.kind === "new" && (
            <Form.Item name="password" label={a.initialPassword} rules={[required]} extra={m.auth.passwordRule}>
              <Input.Password autoComplete="new-password" data-testid="account-password" />
            </Form.Item>
          )}
          {editing?.kind === "edit" && (
            <Form.Item name="active" label={a.active} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
          {editing?.kind === "reset" && (
            <Form.Item name="new_password" label={a.temporaryPassword} rules={[required]} extra={m.auth.passwordRule}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
