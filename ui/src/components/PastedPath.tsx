import { Button, Input, Space } from "antd";

import { unquotePath } from "../api";

/**
 * A file's path pasted or typed (as copied from the file manager, quotes and all) with the
 * button that acts on it: beside a native file dialog, for people who have the path at hand.
 * The input's test id is `<testId>-path`.
 */
export function PastedPath(props: {
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  placeholder: string;
  label: string;
  submitLabel: string;
  disabled: boolean;
  testId: string;
  submitTestId: string;
}) {
  const { value, onChange, onSubmit, disabled } = props;
  return (
    <Space.Compact style={{ flex: "1 1 320px", maxWidth: 640 }}>
      <Input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onPressEnter={onSubmit}
        placeholder={props.placeholder}
        aria-label={props.label}
        allowClear
        spellCheck={false}
        className="num"
        data-testid={`${props.testId}-path`}
      />
      <Button onClick={onSubmit} disabled={unquotePath(value) === "" || disabled} data-testid={props.submitTestId}>
        {props.submitLabel}
      </Button>
    </Space.Compact>
  );
}
