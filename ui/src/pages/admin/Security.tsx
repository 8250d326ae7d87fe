import { App, Button, Form, InputNumber } from "antd";
import { useEffect, useState } from "react";

import { call, type OperationError, type Settings } from "../../api";
import { useSubmit } from "../../api/forms";
import { useI18n } from "../../i18n";

type Values = Pick<Settings, "idle_lock_minutes">;

/** 安全: the idle lock. */
export function Security() {
  const { m } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const { busy, run } = useSubmit(form);
  // settings.update takes every setting: the others (the time limits) go back as loaded.
  const [loaded, setLoaded] = useState<Settings | null>(null);

  useEffect(() => {
    call("settings.get", {})
      .then((s) => {
        setLoaded(s);
        form.setFieldsValue({ idle_lock_minutes: s.idle_lock_minutes });
      })
      .catch((e: OperationError) => message.error(e.message));
  }, [form, message]);

  const submit = async (values: Values) => {
    if (!loaded) return;
    const done = await run(async () => setLoaded(await call("settings.update", { ...loaded, ...values })));
    if (done) message.success(m.admin.security.saved);
  };

  return (
    <Form<Values> form={form} layout="inline" onFinish={submit}>
      <Form.Item name="idle_lock_minutes" label={m.admin.security.idleLock} rules={[{ required: true, message: m.auth.required }]}>
        <InputNumber min={1} max={240} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} disabled={!loaded}>
        {m.auth.save}
      </Button>
    </Form>
  );
}
