import { App, Form, Input, type FormInstance } from "antd";
import { useCallback, useState } from "react";

import { toOperationError, type OperationError } from ".";
import { useI18n } from "../i18n";

/**
 * Shows the core's field errors in place on an Ant Design form. Returns whether any field was
 * named (if none was, the caller shows the error's message on its own).
 */
export function showFieldErrors(form: FormInstance, error: OperationError): boolean {
  const fields = error.fields.map((f) => ({ name: f.field.split("."), errors: [f.message] }));
  if (fields.length > 0) form.setFields(fields);
  return fields.length > 0;
}

/**
 * Runs a form's action: busy while it runs; the core's field errors shown in place, any other
 * error as a message. Resolves to whether the action succeeded.
 */
export function useSubmit(form: FormInstance) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<unknown>): Promise<boolean> => {
      setBusy(true);
      try {
        await action();
        return true;
      } catch (e) {
        const error = toOperationError(e);
        if (!showFieldErrors(form, error)) message.error(error.message);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [form, message],
  );
  return { busy, run };
}

/** A second password field that must repeat the field `of`. */
export function ConfirmPasswordItem({ of, testId }: { of: string; testId: string }) {
  const { m } = useI18n();
  return (
    <Form.Item
      name="confirm"
      label={m.auth.confirmPassword}
      dependencies={[of]}
      rules={[
        { required: true, message: m.auth.required },
        ({ getFieldValue }) => ({
          validator: (_, value) =>
            value === getFieldValue(of) ? Promise.resolve() : Promise.reject(new Error(m.auth.passwordsDiffer)),
        }),
      ]}
    >
      <Input.Password autoComplete="new-password" data-testid={testId} />
    </Form.Item>
  );
}
