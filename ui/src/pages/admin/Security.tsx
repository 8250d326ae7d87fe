import { App, Button, Form, InputNumber } from "antd";
import { useEffect } from "react";

import { call, type OperationError, type Settings } from "../../api";
import { useSubmit } from "../../api/forms";
import { useI18n } from "../../i18n";

/** 安全: the idle lock. */
export function Security() {
  const { m } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Settings>();
  const { busy, run } = useSubmit(form);

  useEffect(() => {
    call("settings.get", {})
      .then((s) => form.setFieldsValue(s))
      .catch((e: OperationError) => message.error(e.message));
  }, [form, message]);

  const submit = async (values: Settings) => {
    if (await run(() => call("settings.update", values))) message.success(m.admin.security.saved);
  };

  return (
    <Form<Settings> form={form} layout="inline" onFinish={submit}>
      <Form.Item name="idle_lock_minutes" label={m.admin.security.idleLock} rules={[{ required: true, message: m.auth.required }]}>
        <InputNumber min={1} max={240} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {m.auth.save}
      </Button>
    </Form>
  );
}
