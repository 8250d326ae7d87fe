import { DatabaseOutlined } from "@ant-design/icons";
import { App, Button } from "antd";
import { useState } from "react";

import { call, type OperationError } from "../api";
import { useI18n } from "../i18n";

/** Generates demo cases through `demo.generate` and reports the outcome. */
export function DemoLoader({ cases, onDone, label }: { cases: number; onDone: () => void; label?: string }) {
  const { m } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setBusy(true);
    const key = "demo";
    message.open({ key, type: "loading", content: m.ledger.demoLoading, duration: 0 });
    try {
      const res = await call("demo.generate", { cases });
      message.open({ key, type: "success", content: m.ledger.demoLoaded(res.cases_created) });
      onDone();
    } catch (e) {
      message.open({ key, type: "error", content: (e as OperationError).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Button type="primary" icon={<DatabaseOutlined />} loading={busy} onClick={load} data-testid="load-demo">
      {label ?? m.ledger.loadDemo}
    </Button>
  );
}
