import { App, Form, Input, type FormInstance } from "antd";
import { useCallback, useState } from "react";

import { toOperationError, type OperationError } from ".";
import { useI18n } from "../i18n";

/**
 * The Ant Design name path of a field the core names: `consumer.mobile` → `["consumer",
 * "mobile"]`, `measures[0].steps[1].due_on` → `["measures", 0, "steps", 1, "due_on"]` (list
 * indexes as numbers, as Form.List names its items).
 */
export function fieldNamePath(field: string): (string | number)[] {
  return field
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((part) => part !== "")
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Shows the core's field errors in place on an Ant Design form (several problems of one field
 * together). Returns whether any field was named (if none was, the caller shows the error's
 * message on its own).
 */
export function showFieldErrors(form: FormInstance, error: OperationError): boolean {
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const f of error.fields) {
    const entry = byField.get(f.field) ?? { name: fieldNamePath(f.field), errors: [] };
    entry.errors.push(f.message);
    byField.set(f.field, entry);
  }
  if (byField.size > 0) form.setFields([...byField.values()]);
  return byField.size > 0;
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
