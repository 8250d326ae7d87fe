import { Alert, Button, Form, Input } from "antd";
import { useState } from "react";

import { session, type OperationError, type SetupRequest } from "../../api";
import { ConfirmPasswordItem, showFieldErrors } from "../../api/forms";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { AuthCard } from "./AuthCard";

type Values = SetupRequest & { confirm: string };

/** The first start: the first administrator. */
export function Setup() {
  const { m } = useI18n();
  const { enter } = useSession();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<OperationError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async ({ confirm, ...request }: Values) => {
    setBusy(true);
    setError(null);
    try {
      enter(await session.setup(request));
    } catch (e) {
      const err = e as OperationError;
      if (!showFieldErrors(form, err)) setError(err);
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, message: m.auth.required };
  return (
    <AuthCard title={m.auth.setupTitle} hint={m.auth.setupHint}>
      {error && <Alert type="error" showIcon message={error.message} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="setup-form">
        <Form.Item name="username" label={m.auth.username} rules={[required]}>
          <Input autoFocus autoComplete="username" data-testid="setup-username" />
        </Form.Item>
        <Form.Item name="display_name" label={m.auth.displayName} rules={[required]}>
          <Input data-testid="setup-display-name" />
        </Form.Item>
        <Form.Item name="password" label={m.auth.password} rules={[required]} extra={m.auth.passwordRule}>
          <Input.Password autoComplete="new-password" data-testid="setup-password" />
        </Form.Item>
        <ConfirmPasswordItem of="password" testId="setup-confirm" />
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="setup-submit">
          {m.auth.setup}
        </Button>
      </Form>
    </AuthCard>
  );
}
