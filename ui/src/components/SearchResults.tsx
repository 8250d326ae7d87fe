import { Alert, Empty, List, Space, Tag, Typography } from "antd";
import { useEffect, useState } from "react";

import { call, type OperationError, type SearchHit, type SearchResponse } from "../api";
import { formatDate } from "../format";
import { useI18n } from "../i18n";
import { StatusTag } from "./labels";

/** A snippet with its matched ranges marked. */
export function Marked({ text, marks }: { text: string; marks: [number, number][] }) {
  const chars = Array.from(text);
  const parts: React.ReactNode[] = [];
  let at = 0;
  marks.forEach(([start, end], i) => {
    if (start > at) parts.push(chars.slice(at, start).join(""));
    parts.push(<mark key={i}>{chars.slice(start, end).join("")}</mark>);
    at = end;
  });
  if (at < chars.length) parts.push(chars.slice(at).join(""));
  return <span>{parts}</span>;
}

const PAGE = 20;

/** 全文检索: the cases whose text contains what was typed, best first, matches marked. */
export function SearchResults({ query, onOpen }: { query: string; onOpen: (id: string) => void }) {
  const { m, lang } = useI18n();
  const s = m.ledger.search;
  const [page, setPage] = useState(1);
  const [reply, setReply] = useState<{ key: string; data?: SearchResponse; error?: OperationError } | null>(null);
  const key = `${query}\u0000${page}`;

  useEffect(() => {
    let live = true;
    call("cases.search", { query, limit: PAGE, offset: (page - 1) * PAGE })
      .then((data) => live && setReply({ key, data }))
      .catch((error: OperationError) => live && setReply({ key, error }));
    return () => {
      live = false;
    };
  }, [query, page, key]);

  const current = reply?.key === key ? reply : null;
  if (current?.error) return <Alert type="error" showIcon message={current.error.message} data-testid="search-error" />;
  const data = current?.data;
  return (
    <List<SearchHit>
      data-testid="search-results"
      loading={!current}
      header={
        data && (
          <Space>
            <Typography.Text type="secondary" data-testid="search-total">
              {s.total(data.total)}
            </Typography.Text>
            <Typography.Text type="secondary">{data.ranked ? s.ranked : s.newest}</Typography.Text>
          </Space>
        )
      }
      dataSource={data?.items ?? []}
      locale={{ emptyText: <Empty description={s.none} /> }}
      pagination={
        data && data.total > PAGE
          ? { current: page, pageSize: PAGE, total: data.total, showSizeChanger: false, onChange: setPage }
          : false
      }
      renderItem={(hit) => (
        <List.Item
          key={hit.case.id}
          className="search-hit"
          style={{ cursor: "pointer" }}
          onClick={() => onOpen(hit.case.id)}
          data-testid={`search-hit-${hit.case.case_no}`}
        >
          <Space direction="vertical" size={2} style={{ width: "100%" }}>
            <Space wrap>
              <Typography.Link>{hit.case.case_no}</Typography.Link>
              <StatusTag status={hit.case.status} />
              <span>{hit.case.product_name}</span>
              <Typography.Text type="secondary">{hit.case.consumer_name}</Typography.Text>
              <Typography.Text type="secondary">{formatDate(hit.case.received_at, lang)}</Typography.Text>
              <Tag>{s.fields[hit.field as keyof typeof s.fields] ?? hit.field}</Tag>
            </Space>
            <Typography.Text className="search-snippet">
              <Marked text={hit.snippet} marks={hit.marks} />
            </Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}
