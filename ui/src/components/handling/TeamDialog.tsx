// 纠纷处理小组: legal, customer-service and business staff on the case, one of them the lead.
// The whole team is sent each time.
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Form, Input, Switch, Typography } from "antd";

import { call, type TeamRole } from "../../api";
import { useI18n } from "../../i18n";
import { useAccount } from "../../session";
import { AccountSelect, ActionDialog, optional, SearchSelect, type Directory } from "./common";
import { ROW, type DialogProps } from "./dialogs";

const ROLES: TeamRole[] = ["legal", "customer_service", "business", "other"];

interface MemberValues {
  account_id?: string;
  role?: TeamRole;
  duty?: string;
  lead?: boolean;
}

interface TeamValues {
  members: MemberValues[];
  note?: string;
}

/** The lead switch of member `index`: naming one lead takes the role from the others. */
function LeadSwitch({
  index,
  label,
  checked,
  onChange,
}: {
  index: number;
  label: string;
  checked?: boolean;
  onChange?: (on: boolean) => void;
}) {
  const form = Form.useFormInstance<TeamValues>();
  return (
    <Switch
      size="small"
      aria-label={label}
      checked={checked}
      data-testid={`f-members-${index}-lead`}
      onChange={(on) => {
        onChange?.(on);
        if (!on) return;
        const all = form.getFieldValue("members") as MemberValues[] | undefined;
        (all ?? []).forEach((_, k) => k !== index && form.setFieldValue(["members", k, "lead"], false));
      }}
    />
  );
}

export function TeamDialog({ view, directory, ...p }: DialogProps & { directory: Directory }) {
  const { m } = useI18n();
  const h = m.handling.team;
  const me = useAccount();
  const required = { required: true, message: m.auth.required };
  const known = view.team.map((t) => ({ id: t.account_id, name: t.name }));
  if (me) known.push({ id: me.id, name: me.display_name });
  // A new team starts with the person setting it up, as its lead.
  const initial: TeamValues = {
    members:
      view.team.length > 0
        ? view.team.map((t) => ({ account_id: t.account_id, role: t.role, duty: t.duty, lead: t.lead }))
        : [{ account_id: me?.id, lead: true }],
  };
  return (
    <ActionDialog<TeamValues>
      {...p}
      title={m.handling.act.team}
      fields={["members", "note"]}
      width={860}
      initialValues={initial}
      intro={<Typography.Paragraph type="secondary">{h.hint}</Typography.Paragraph>}
      submit={(v) =>
        call("cases.team_set", {
          id: view.id,
          members: (v.members ?? []).map((x) => ({
            account_id: x.account_id ?? "",
            role: x.role as TeamRole,
            duty: (x.duty ?? "").trim(),
            lead: x.lead ?? false,
          })),
          note: optional(v.note),
        })
      }
    >
      <Form.List
        name="members"
        rules={[
          {
            validator: (_, value: MemberValues[] | undefined) =>
              !value || value.length === 0 || value.filter((x) => x?.lead).length === 1
                ? Promise.resolve()
                : Promise.reject(new Error(h.oneLead)),
          },
        ]}
      >
        {(members, { add, remove }, { errors }) => (
          <>
            <div style={{ ...ROW, fontWeight: 500, marginBottom: 4 }}>
              <span style={{ flex: 2 }}>{h.member}</span>
              <span style={{ width: 150 }}>{h.role}</span>
              <span style={{ flex: 3 }}>{h.duty}</span>
              <span style={{ width: 56 }}>{h.lead}</span>
              <span style={{ width: 32 }} />
            </div>
            {members.map((member) => {
              const i = member.name;
              return (
                <div key={member.key} style={ROW} data-testid={`member-${i}`}>
                  <Form.Item name={[i, "account_id"]} rules={[required]} style={{ flex: 2, marginBottom: 8 }}>
                    <AccountSelect directory={directory} known={known} testId={`f-members-${i}-account_id`} aria-label={h.member} />
                  </Form.Item>
                  <Form.Item name={[i, "role"]} rules={[required]} style={{ width: 150, marginBottom: 8 }}>
                    <SearchSelect<TeamRole>
                      testId={`f-members-${i}-role`}
                      aria-label={h.role}
                      options={ROLES.map((r) => ({ value: r, label: m.labels.teamRole[r] }))}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[i, "duty"]}
                    rules={[required, { whitespace: true, message: m.auth.required }]}
                    style={{ flex: 3, marginBottom: 8 }}
                  >
                    <Input maxLength={200} aria-label={h.duty} data-testid={`f-members-${i}-duty`} />
                  </Form.Item>
                  <Form.Item name={[i, "lead"]} valuePropName="checked" style={{ width: 56, marginBottom: 8 }}>
                    <LeadSwitch index={i} label={h.lead} />
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    aria-label={h.remove}
                    onClick={() => remove(i)}
                    data-testid={`remove-member-${i}`}
                  />
                </div>
              );
            })}
            <Form.ErrorList errors={errors} />
            <Button
              type="dashed"
              block
              icon={<PlusOutlined />}
              onClick={() => add({ lead: members.length === 0 })}
              data-testid="add-member"
              style={{ marginBottom: 16 }}
            >
              {h.add}
            </Button>
          </>
        )}
      </Form.List>
      <Form.Item name="note" label={h.note}>
        <Input.TextArea rows={2} maxLength={1000} data-testid="f-note" />
      </Form.Item>
    </ActionDialog>
  );
}
