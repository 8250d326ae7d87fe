// A modal form for one action whose core errors land on their fields, and the rules its
// fields share (a required text, a day, a moment). Used across the screens (emergency,
// supervision, operating standards).
import { Button, Form, Modal, type FormInstance } from "antd";
import { useEffect, useRef, type ComponentProps, type ReactNode } from "react";

import { useI18n } from "../i18n";
import { StrayAlert, useDialogSubmit } from "./handling/common";

/** `YYYY-MM-DD`, as the core takes a day. */
export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** `YYYY-MM-DD HH:MM` (China time), as the core takes a moment typed by a person. */
export const MOMENT_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;

/** A button's props with a test id (antd types them without `data-*` attributes). */
export const testIdProps = (testId: string) => ({ "data-testid": testId }) as ComponentProps<typeof Button>;

/**
 * A modal form for one action, submitted as the handling dialogs are (`useDialogSubmit`): the
 * core's problems land on the fields shown, the others above the form. Keeps what was typed on
 * failure; starts each opening from `initialValues`. Resolves `onDone` with the result.
 */
export function FormModal<V extends object, R>({
  open,
  title,
  fields,
  initialValues,
  submit,
  onCancel,
  onDone,
  children,
  okText,
  submitTestId,
  width,
  intro,
  form: given,
}: {
  open: boolean;
  title: ReactNode;
  fields: string[];
  initialValues?: Partial<V>;
  submit: (values: V) => Promise<R>;
  onCancel: () => void;
  onDone: (result: R) => void;
  children?: ReactNode;
  okText?: string;
  submitTestId: string;
  width?: number;
  intro?: ReactNode;
  /** The form, when the caller watches its values. */
  form?: FormInstance<V>;
}) {
  const { m } = useI18n();
  const [own] = Form.useForm<V>();
  const form = given ?? own;
  const { busy, stray, finish: send } = useDialogSubmit(form, fields, submit);
  // Each opening starts from this opening's initial values: the form instance outlives the
  // modal's content, and would otherwise bring back what the last opening left in it.
  const initial = useRef(initialValues);
  useEffect(() => {
    initial.current = initialValues;
  });
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (initial.current) form.setFieldsValue(initial.current as Parameters<typeof form.setFieldsValue>[0]);
  }, [open, form]);

  const finish = async (values: V) => {
    const { ok, result } = await send(values);
    if (ok) onDone(result as R);
  };

  return (
    <Modal
      open={open}
      title={title}
      width={width}
      onCancel={onCancel}
      onOk={() => form.submit()}
      okText={okText ?? m.emergency.submit}
      cancelText={m.emergency.cancel}
      confirmLoading={busy}
      mask={{ closable: false }}
      okButtonProps={testIdProps(submitTestId)}
      destroyOnHidden
    >
      {intro}
      <StrayAlert stray={stray} />
      <Form<V> form={form} layout="vertical" onFinish={finish} initialValues={initialValues} preserve={false}>
        {children}
      </Form>
    </Modal>
  );
}

/** A required text field's rule, trimmed. */
export function useRules() {
  const { m } = useI18n();
  const e = m.emergency;
  return {
    required: { required: true, whitespace: true, message: e.required },
    date: { pattern: DATE_PATTERN, message: e.dateFormat },
    moment: { pattern: MOMENT_PATTERN, message: e.momentFormat },
  };
}
