import { Alert, Button, Form, Input } from "antd";
import { useState } from "react";

import { session, type OperationError, type SignInRequest } from "../../api";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { AuthCard } from "./AuthCard";

export function SignIn() {
  const { m } = useI18n();
  const { enter } = useSession();
  const [error, setError] = useState<OperationError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: SignInRequest) => {
    setBusy(true);
    setError(null);
    try {
      enter(await session.signIn(values));
    } catch (e) {
      setError(e as OperationError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={m.auth.signInTitle}>
      {error && <Alert type="error" showIcon message={error.message} style={{ marginBottom: 16 }} data-testid="auth-error" />}
      <Form<SignInRequest> layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="username" label={m.auth.username} rules={[{ required: true, message: m.auth.required }]}>
          <Input autoFocus autoComplete="username" data-testid="username" />
        </Form.Item>
        <Form.Item name="password" label={m.auth.password} rules={[{ required: true, message: m.auth.required }]}>
          <Input.Password autoComplete="current-password" data-testid="password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in">
          {m.auth.signIn}
        </Button>
      </Form>
    </AuthCard>
  );
}
