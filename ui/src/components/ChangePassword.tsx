import { App, Button, Form, Input } from "antd";

import { call, type PasswordChangeRequest } from "../api";
import { ConfirmPasswordItem, useSubmit } from "../api/forms";
import { useI18n } from "../i18n";

type Values = PasswordChangeRequest & { confirm: string };

/** The holder changes their own password (forced after an administrator set it). */
export function ChangePasswordForm({ onDone }: { onDone: () => void }) {
  const { m } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const { busy, run } = useSubmit(form);

  const submit = async ({ confirm, ...request }: Values) => {
    if (await run(() => call("auth.change_password", request))) {
      message.success(m.auth.changed);
      form.resetFields();
      onDone();
    }
  };

  const required = { required: true, message: m.auth.required };
  return (
    <Form<Values> form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="change-password-form">
      <Form.Item name="current_password" label={m.auth.currentPassword} rules={[required]}>
        <Input.Password autoComplete="current-password" data-testid="current-password" />
      </Form.Item>
      <Form.Item name="new_password" label={m.auth.newPassword} rules={[required]} extra={m.auth.passwordRule}>
        <Input.Password autoComplete="new-password" data-testid="new-password" />
      </Form.Item>
      <ConfirmPasswordItem of="new_password" testId="confirm-password" />
      <Button type="primary" htmlType="submit" loading={busy} block data-testid="change-password-submit">
        {m.auth.save}
      </Button>
    </Form>
  );
}
