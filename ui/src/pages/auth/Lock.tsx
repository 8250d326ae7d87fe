import { Alert, Button, Form, Input, Space } from "antd";
import { useState } from "react";

import { session, type OperationError, type SessionView } from "../../api";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { AuthCard } from "./AuthCard";

/** The idle lock: the same person unlocks with their password, or another signs in. */
export function Lock({ current }: { current: SessionView }) {
  const { m } = useI18n();
  const { enter, signOut } = useSession();
  const [error, setError] = useState<OperationError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async ({ password }: { password: string }) => {
    setBusy(true);
    setError(null);
    try {
      enter(await session.unlock({ password }));
    } catch (e) {
      setError(e as OperationError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={m.auth.lockedTitle} hint={m.auth.lockedHint(current.account.display_name)}>
      {error && <Alert type="error" showIcon message={error.message} style={{ marginBottom: 16 }} />}
      <Form<{ password: string }> layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="password" label={m.auth.password} rules={[{ required: true, message: m.auth.required }]}>
          <Input.Password autoFocus autoComplete="current-password" data-testid="unlock-password" />
        </Form.Item>
        <Space style={{ width: "100%", justifyContent: "space-between" }}>
          <Button onClick={signOut}>{m.auth.switchUser}</Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="unlock">
            {m.auth.unlock}
          </Button>
        </Space>
      </Form>
    </AuthCard>
  );
}
