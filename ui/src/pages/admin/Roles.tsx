import { App, Button, Checkbox, Select, Table, Tag } from "antd";
import { useCallback, useEffect, useState } from "react";

import { call, type CaseScope, type OperationError, type Permission, type RoleView } from "../../api";
import { useI18n } from "../../i18n";

const PERMISSIONS: Permission[] = [
  "case.view",
  "case.contact",
  "case.intake",
  "case.handle",
  "compensation.approve",
  "data.export",
  "data.import",
  "taxonomy.edit",
  "template.edit",
  "account.manage",
  "org.edit",
  "role.edit",
  "audit.verify",
  "demo.generate",
  "bulletin.issue",
  "kpi.manage",
];
const SCOPES: CaseScope[] = ["all", "department", "own"];

/** 角色权限: the permission matrix, role by role. */
export function Roles() {
  const { m } = useI18n();
  const { message } = App.useApp();
  const [roles, setRoles] = useState<RoleView[]>([]);
  const [saving, setSaving] = useState<string | null>(null);

  const load = useCallback(() => {
    call("roles.list", {})
      .then(setRoles)
      .catch((e: OperationError) => message.error(e.message));
  }, [message]);
  useEffect(load, [load]);

  const change = (code: RoleView["code"], patch: Partial<RoleView>) =>
    setRoles((rs) => rs.map((r) => (r.code === code ? { ...r, ...patch } : r)));

  const save = async (role: RoleView) => {
    setSaving(role.code);
    try {
      await call("roles.update", { code: role.code, permissions: role.permissions, case_scope: role.case_scope });
      message.success(m.admin.roles.saved);
      load();
    } catch (e) {
      message.error((e as OperationError).message);
    } finally {
      setSaving(null);
    }
  };

  return (
    <Table<RoleView>
      rowKey="code"
      size="small"
      bordered
      pagination={false}
      dataSource={roles}
      data-testid="roles-table"
      scroll={{ x: 1200 }}
      columns={[
        {
          key: "role",
          title: m.admin.roles.role,
          width: 150,
          fixed: "left",
          render: (_: unknown, r) => (
            <>
              {m.labels.role[r.code]}{" "}
              <Tag color={r.is_default ? "default" : "orange"}>{r.is_default ? m.admin.roles.isDefault : m.admin.roles.customized}</Tag>
            </>
          ),
        },
        {
          key: "scope",
          title: m.admin.roles.scope,
          width: 150,
          render: (_: unknown, r) => (
            <Select<CaseScope>
              size="small"
              value={r.case_scope}
              style={{ width: 130 }}
              onChange={(v) => change(r.code, { case_scope: v })}
              options={SCOPES.map((s) => ({ value: s, label: m.labels.scope[s] }))}
            />
          ),
        },
        ...PERMISSIONS.map((p) => ({
          key: p,
          title: m.labels.permission[p],
          width: 110,
          align: "center" as const,
          render: (_: unknown, r: RoleView) => (
            <Checkbox
              checked={r.permissions.includes(p)}
              aria-label={`${m.labels.role[r.code]} ${m.labels.permission[p]}`}
              onChange={(e) =>
                change(r.code, {
                  permissions: e.target.checked ? [...r.permissions, p] : r.permissions.filter((x) => x !== p),
                })
              }
            />
          ),
        })),
        {
          key: "save",
          title: "",
          width: 90,
          fixed: "right",
          render: (_: unknown, r) => (
            <Button size="small" type="primary" loading={saving === r.code} onClick={() => save(r)}>
              {m.admin.roles.save}
            </Button>
          ),
        },
      ]}
    />
  );
}
