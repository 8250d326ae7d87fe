import { LinkOutlined } from "@ant-design/icons";
import { App, Button, Form, Input, Typography } from "antd";
import { useState } from "react";

import { call, OperationError, toOperationError, type IncidentView } from "../../api";
import { useI18n } from "../../i18n";
import { FormModal, useRules, type SectionProps } from "./shared";

interface LinkValues {
  numbers?: string;
  watched_since?: string;
}

/**
 * Case numbers as people paste them: one a line, or between commas, 、, spaces or semicolons;
 * trimmed, empties dropped, each once (in the order first given).
 */
export function parseCaseNumbers(text: string | undefined): string[] {
  const seen = new Set<string>();
  for (const part of (text ?? "").split(/[\s,，、;；]+/)) {
    const no = part.trim();
    if (no) seen.add(no);
  }
  return [...seen];
}

/**
 * The core's field errors on the request, as the form's fields: `case_nos[i]` is the request's
 * i-th number (named in the message), on the text area; `watched_since` on the date.
 */
function onFields(error: OperationError, numbers: string[], unknown: (no: string) => string): OperationError {
  const fields = error.fields.map((f) => {
    const at = /^case_nos\[(\d+)\]$/.exec(f.field);
    if (at) {
      const no = numbers[Number(at[1])];
      return { ...f, field: "numbers", message: no !== undefined ? unknown(no) : f.message };
    }
    if (f.field === "case_nos") return { ...f, field: "numbers" };
    return f;
  });
  return new OperationError({ code: error.code, message: error.message, fields });
}

/** 关联案件: links cases to an open incident by their numbers, or every watched case since a day. */
export function IncidentLinkCases({ view, editable, onView }: SectionProps) {
  const { m } = useI18n();
  const t = m.emergency.incident.link;
  const rules = useRules();
  const { message } = App.useApp();
  const [form] = Form.useForm<LinkValues>();
  const [open, setOpen] = useState(false);
  const typed = Form.useWatch("numbers", form);
  const count = parseCaseNumbers(typed).length;

  if (!editable) return null;

  const submit = async (v: LinkValues) => {
    const numbers = parseCaseNumbers(v.numbers);
    const since = v.watched_since?.trim();
    try {
      return await call("incidents.link", {
        id: view.id,
        case_ids: [],
        case_nos: numbers,
        ...(view.watch && since ? { watched_since: since } : {}),
      });
    } catch (thrown) {
      throw onFields(toOperationError(thrown), numbers, t.unknown);
    }
  };

  return (
    <>
      <Button size="small" icon={<LinkOutlined />} onClick={() => setOpen(true)} data-testid="incident-link-open">
        {t.button}
      </Button>
      <FormModal<LinkValues, IncidentView>
        open={open}
        form={form}
        title={t.title(view.incident_no)}
        fields={["numbers", "watched_since"]}
        okText={t.submit}
        submitTestId="incident-link-submit"
        width={600}
        submit={submit}
        onCancel={() => setOpen(false)}
        onDone={(v) => {
          setOpen(false);
          onView(v);
          message.success(t.linked(Math.max(0, v.live.cases - view.live.cases)));
        }}
      >
        <Form.Item
          name="numbers"
          label={t.numbers}
          extra={count > 0 ? t.counted(count) : t.numbersHint}
          dependencies={["watched_since"]}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_, text: string | undefined) =>
                parseCaseNumbers(text).length > 0 || (view.watch && String(getFieldValue("watched_since") ?? "").trim())
                  ? Promise.resolve()
                  : Promise.reject(new Error(view.watch ? t.nothingOrSince : t.nothing)),
            }),
          ]}
        >
          <Input.TextArea
            autoSize={{ minRows: 4, maxRows: 12 }}
            placeholder={t.numbersPlaceholder}
            className="num"
            data-testid="incident-link-numbers"
          />
        </Form.Item>
        {view.watch && (
          <Form.Item
            name="watched_since"
            label={t.since}
            rules={[rules.date]}
            extra={
              <Typography.Text type="secondary" data-testid="incident-link-since-hint">
                {t.sinceHint(m.emergency.dimension[view.watch.dimension], view.watch.label)}
              </Typography.Text>
            }
          >
            <Input placeholder="YYYY-MM-DD" style={{ width: 220 }} data-testid="incident-link-since" />
          </Form.Item>
        )}
      </FormModal>
    </>
  );
}
