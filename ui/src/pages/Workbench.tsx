import { App, Button, Card, Col, List, Row, Space, Statistic, Typography } from "antd";
import { useEffect, useState } from "react";

import { call, type CaseRow, type OperationError } from "../api";
import { useCodes } from "../codes";
import { StatusTag } from "../components/labels";
import { formatDateTime } from "../format";
import { useI18n } from "../i18n";

interface Figures {
  total: number;
  open: number;
  overdue: number;
  closed: number;
  recent: CaseRow[];
}

/** 工作台: the figures a person checks first, straight from the ledger. */
export function Workbench({ onOpenLedger }: { onOpenLedger: () => void }) {
  const { m } = useI18n();
  const codes = useCodes();
  const { message } = App.useApp();
  const [figures, setFigures] = useState<Figures | null>(null);

  useEffect(() => {
    Promise.all([
      call("cases.list", { limit: 8 }),
      call("cases.list", { limit: 1, open: true }),
      call("cases.list", { limit: 1, overdue: true }),
      call("cases.list", { limit: 1, status: "closed" }),
    ])
      .then(([all, open, overdue, closed]) =>
        setFigures({ total: all.total, open: open.total, overdue: overdue.total, closed: closed.total, recent: all.items }),
      )
      .catch((e: OperationError) => message.error(e.message));
  }, [message]);

  const w = m.workbench;
  return (
    <div className="page">
      <Row gutter={16}>
        {(
          [
            ["total", w.totalCases, undefined],
            ["open", w.open, "#1677ff"],
            ["overdue", w.overdue, "#cf1322"],
            ["closed", w.closed, "#389e0d"],
          ] as const
        ).map(([key, title, color]) => (
          <Col span={6} key={key}>
            <Card data-testid={`figure-${key}`}>
              <Statistic title={title} value={figures?.[key] ?? 0} loading={!figures} valueStyle={{ color }} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card
        style={{ marginTop: 16 }}
        title={w.recent}
        extra={
          <Button type="link" onClick={onOpenLedger}>
            {w.viewLedger}
          </Button>
        }
      >
        <List
          loading={!figures}
          dataSource={figures?.recent ?? []}
          renderItem={(row) => (
            <List.Item key={row.id}>
              <Space size="middle">
                <Typography.Text className="num">{row.case_no}</Typography.Text>
                <StatusTag status={row.status} />
                <Typography.Text>{row.product_name}</Typography.Text>
                <Typography.Text type="secondary">{codes.label("category", row.category)}</Typography.Text>
              </Space>
              <Typography.Text type="secondary" className="num">
                {formatDateTime(row.received_at)}
              </Typography.Text>
            </List.Item>
          )}
        />
      </Card>
    </div>
  );
}
