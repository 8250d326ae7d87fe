import { Card, Typography } from "antd";
import type { ReactNode } from "react";

import { useI18n } from "../../i18n";

/** The frame of the screens before the app: sign-in, first start, lock, password change. */
export function AuthCard({ title, hint, children }: { title: string; hint?: ReactNode; children: ReactNode }) {
  const { m } = useI18n();
  return (
    <div className="auth-screen">
      <Card className="auth-card" data-testid="auth-card">
        <div className="auth-brand">
          <span>{m.app.name}</span>
          <small>{m.app.title}</small>
        </div>
        <Typography.Title level={4}>{title}</Typography.Title>
        {hint && <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>}
        {children}
      </Card>
    </div>
  );
}
