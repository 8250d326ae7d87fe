import { Alert, Button, Divider, Form, Input, Radio } from "antd";
import { useState } from "react";

import { session, type OperationError, type SetupRequest } from "../../api";
import { ConfirmPasswordItem, showFieldErrors } from "../../api/forms";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { AuthCard } from "./AuthCard";

type Values = SetupRequest & { confirm: string; kind: "hq" | "branch" };

/** The first start: the first administrator. */
export function Setup() {
  const { m } = useI18n();
  const { enter } = useSession();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<OperationError | null>(null);
  const [busy, setBusy] = useState(false);

  const kind = Form.useWatch("kind", form) ?? "hq";

  const submit = async ({ confirm, kind, site_code, site_name, ...account }: Values) => {
    setBusy(true);
    setError(null);
    // Headquarters keeps the database's own code (HQ); a branch gives the code headquarters
    // registered it under, which every case number it gives will carry.
    const request: SetupRequest = kind === "branch" ? { ...account, site_code, site_name } : account;
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
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        requiredMark={false}
        initialValues={{ kind: "hq" }}
        data-testid="setup-form"
      >
        <Form.Item name="kind" label={m.auth.siteKind} extra={kind === "branch" ? m.auth.branchHint : m.auth.hqHint}>
          <Radio.Group optionType="button" buttonStyle="solid" data-testid="setup-site-kind">
            <Radio.Button value="hq">
              <span data-testid="setup-site-hq">{m.auth.siteHq}</span>
            </Radio.Button>
            <Radio.Button value="branch">
              <span data-testid="setup-site-branch">{m.auth.siteBranch}</span>
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
        {kind === "branch" && (
          <>
            <Form.Item
              name="site_code"
              label={m.auth.siteCode}
              rules={[required, { pattern: /^\s*[A-Za-z0-9]{1,12}\s*$/, message: m.auth.siteCodeRule }]}
              normalize={(v: string) => v.toUpperCase()}
            >
              <Input placeholder="SH01" maxLength={12} data-testid="setup-site-code" />
            </Form.Item>
            <Form.Item name="site_name" label={m.auth.siteName} rules={[required]}>
              <Input placeholder={m.auth.siteNamePlaceholder} maxLength={40} data-testid="setup-site-name" />
            </Form.Item>
          </>
        )}
        <Divider style={{ margin: "4px 0 16px" }} />
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
