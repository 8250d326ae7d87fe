import { Alert, App, Button, Empty, Form, Input, Modal, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";

import {
  call,
  dialogs,
  evidenceUrl,
  type EvidenceKind,
  type EvidenceOpened,
  type EvidenceReport,
  type EvidenceView,
  type OperationError,
} from "../api";
import { useSubmit } from "../api/forms";
import { formatDateTime } from "../format";
import { useI18n } from "../i18n";

const KINDS: EvidenceKind[] = ["receipt", "contract", "test_report", "chat_log", "audio", "video", "photo", "other"];

/** A first guess at what a file is, from its name: the person can change it. */
export function guessKind(path: string): EvidenceKind {
  const name = path.toLowerCase();
  const ext = name.split(".").pop() ?? "";
  if (["mp3", "m4a", "wav", "amr", "ogg"].includes(ext)) return "audio";
  if (["mp4", "mov", "m4v", "webm", "avi"].includes(ext)) return "video";
  if (/发票|收据|小票|invoice|receipt/.test(name)) return "receipt";
  if (/合同|协议|contract/.test(name)) return "contract";
  if (/检测|鉴定|报告|report/.test(name)) return "test_report";
  if (/聊天|对话|chat/.test(name) || ["txt", "log"].includes(ext)) return "chat_log";
  if (["jpg", "jpeg", "png", "heic", "webp", "gif", "bmp"].includes(ext)) return "photo";
  return "other";
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

interface AttachValues {
  source?: string;
  collected_by?: string;
  files: { path: string; kind: EvidenceKind; description?: string }[];
}

/** 证据: what a case rests on — attached, previewed, checked and exported, each on the record. */
export function Evidence({
  caseId,
  caseNo,
  open: shown = true,
  canHandle,
  onChanged,
}: {
  caseId: string;
  caseNo: string;
  /** The drawer around it is open: opened again, the list is read afresh. */
  open?: boolean;
  canHandle: boolean;
  onChanged: () => void;
}) {
  const { m } = useI18n();
  const e = m.evidence;
  const { message } = App.useApp();
  const [items, setItems] = useState<EvidenceView[] | null>(null);
  const [picked, setPicked] = useState<string[] | null>(null);
  const [viewing, setViewing] = useState<EvidenceOpened | null>(null);
  const [report, setReport] = useState<EvidenceReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<AttachValues>();
  const attach = useSubmit(form);

  const load = useCallback(() => {
    call("evidence.list", { case_id: caseId })
      .then(setItems)
      .catch((err: OperationError) => message.error(err.message));
  }, [caseId, message]);
  useEffect(() => {
    if (shown) load();
  }, [shown, load]);

  const pick = async () => {
    const paths = await dialogs.pickFiles(e.pickTitle);
    if (paths.length === 0) return;
    setPicked(paths);
  };

  const submit = async (v: AttachValues) => {
    const ok = await attach.run(async () => {
      const done = await call("evidence.add", {
        case_id: caseId,
        source: v.source ?? "",
        collected_by: v.collected_by || undefined,
        files: v.files.map((f) => ({ path: f.path, kind: f.kind, description: f.description ?? "" })),
      });
      message.success(e.added(done.items.length, done.already_stored));
    });
    if (ok) {
      setPicked(null);
      load();
      onChanged();
    }
  };

  const open = async (item: EvidenceView) => {
    try {
      setViewing(await call("evidence.open", { id: item.id }));
      onChanged();
    } catch (err) {
      message.error((err as OperationError).message);
    }
  };

  const verify = async () => {
    setBusy(true);
    try {
      setReport(await call("evidence.verify", { case_id: caseId }));
    } catch (err) {
      message.error((err as OperationError).message);
    } finally {
      setBusy(false);
    }
  };

  const exportAll = async () => {
    const folder = await dialogs.pickFolder(e.exportTitle);
    if (!folder) return;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "");
    const sep = folder.includes("\\") ? "\\" : "/";
    setBusy(true);
    try {
      const done = await call("evidence.export", { case_id: caseId, out_dir: `${folder}${sep}${caseNo}-证据-${stamp}` });
      message.success(e.exported(done.files, done.out_dir));
      onChanged();
    } catch (err) {
      message.error((err as OperationError).message);
    } finally {
      setBusy(false);
    }
  };

  const preview = (v: EvidenceOpened) => {
    const src = evidenceUrl(v.evidence.id);
    const mime = v.evidence.mime;
    if (mime.startsWith("image/")) return <img src={src} alt={v.evidence.file_name} style={{ maxWidth: "100%" }} data-testid="evidence-preview-image" />;
    if (mime.startsWith("video/")) return <video src={src} controls style={{ width: "100%" }} data-testid="evidence-preview-video" />;
    if (mime.startsWith("audio/")) return <audio src={src} controls style={{ width: "100%" }} data-testid="evidence-preview-audio" />;
    if (mime === "application/pdf" || mime.startsWith("text/")) {
      return <iframe src={src} title={v.evidence.file_name} style={{ width: "100%", height: 560, border: 0 }} data-testid="evidence-preview-frame" />;
    }
    return <Empty description={e.noPreview} />;
  };

  return (
    <div data-testid="evidence">
      <Space style={{ marginBottom: 8 }} wrap>
        {canHandle && (
          <Button type="primary" onClick={pick} data-testid="evidence-add">
            {e.add}
          </Button>
        )}
        <Button onClick={verify} loading={busy} disabled={!items?.length} data-testid="evidence-verify">
          {e.verify}
        </Button>
        {canHandle && (
          <Button onClick={exportAll} loading={busy} disabled={!items?.length} data-testid="evidence-export">
            {e.export}
          </Button>
        )}
      </Space>
      {report && (
        <Alert
          style={{ marginBottom: 8 }}
          type={report.problems.length ? "error" : "success"}
          showIcon
          closable
          onClose={() => setReport(null)}
          data-testid="evidence-report"
          title={report.problems.length ? e.verifyBad(report.problems.length, report.checked) : e.verifyOk(report.checked)}
          description={
            report.problems.length > 0 && (
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {report.problems.map((p) => (
                  <li key={p.evidence.id}>
                    {p.evidence.file_name}：{p.problem === "missing" ? e.missing : e.changed}
                  </li>
                ))}
              </ul>
            )
          }
        />
      )}
      <Table<EvidenceView>
        size="small"
        rowKey="id"
        loading={items === null}
        dataSource={items ?? []}
        pagination={false}
        locale={{ emptyText: e.none }}
        onRow={(item) => ({ "data-testid": `evidence-row-${item.file_name}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: "kind", title: e.kind, width: 100, render: (_: unknown, r) => <Tag>{m.labels.evidenceKind[r.kind]}</Tag> },
          {
            key: "name",
            title: e.file,
            render: (_: unknown, r) => (
              <Space orientation="vertical" size={0}>
                <a onClick={() => open(r)} data-testid={`evidence-open-${r.file_name}`}>
                  {r.file_name}
                </a>
                {r.description && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.description}</Typography.Text>}
                {r.duplicate && <Tag color="orange">{e.duplicate}</Tag>}
              </Space>
            ),
          },
          { key: "size", title: e.size, width: 90, render: (_: unknown, r) => formatSize(r.size) },
          {
            key: "sha",
            title: "SHA-256",
            width: 120,
            render: (_: unknown, r) => (
              <Tooltip title={r.sha256}>
                <Typography.Text code copyable={{ text: r.sha256 }} className="num">
                  {r.sha256.slice(0, 10)}…
                </Typography.Text>
              </Tooltip>
            ),
          },
          {
            key: "collected",
            title: e.collected,
            width: 150,
            render: (_: unknown, r) => (
              <Space orientation="vertical" size={0}>
                <span>{r.collected_by} · {r.collected_at}</span>
                {r.source && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.source}</Typography.Text>}
              </Space>
            ),
          },
          {
            key: "added",
            title: e.addedBy,
            width: 150,
            render: (_: unknown, r) => (
              <span>
                {r.added_by} · {formatDateTime(r.added_at)}
              </span>
            ),
          },
        ]}
      />
      <Modal
        open={picked !== null}
        title={e.add}
        width={720}
        onCancel={() => setPicked(null)}
        onOk={() => form.submit()}
        confirmLoading={attach.busy}
        okButtonProps={{ "data-testid": "evidence-submit" } as React.ComponentProps<typeof Button>}
        destroyOnHidden
      >
        <Form<AttachValues>
          form={form}
          layout="vertical"
          onFinish={submit}
          preserve={false}
          initialValues={{ files: (picked ?? []).map((path) => ({ path, kind: guessKind(path), description: "" })) }}
        >
          <Form.List name="files">
            {(fields) =>
              fields.map((f) => (
                <Space key={f.key} align="start" style={{ display: "flex" }}>
                  <Form.Item label={f.name === 0 ? e.file : undefined} style={{ width: 220 }}>
                    <Typography.Text ellipsis={{ tooltip: picked?.[f.name] }}>{baseName(picked?.[f.name] ?? "")}</Typography.Text>
                  </Form.Item>
                  <Form.Item name={[f.name, "path"]} hidden>
                    <Input />
                  </Form.Item>
                  <Form.Item name={[f.name, "kind"]} label={f.name === 0 ? e.kind : undefined} style={{ width: 140 }}>
                    <Select
                      showSearch
                      optionFilterProp="label"
                      options={KINDS.map((k) => ({ value: k, label: m.labels.evidenceKind[k] }))}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, "description"]} label={f.name === 0 ? e.description : undefined} style={{ width: 280 }}>
                    <Input maxLength={500} />
                  </Form.Item>
                </Space>
              ))
            }
          </Form.List>
          <Space>
            <Form.Item name="source" label={e.source} style={{ width: 300 }}>
              <Input maxLength={200} placeholder={e.sourceHint} />
            </Form.Item>
            <Form.Item name="collected_by" label={e.collectedBy} style={{ width: 200 }}>
              <Input maxLength={50} placeholder={e.collectedByHint} />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
      <Modal
        open={viewing !== null}
        title={viewing?.evidence.file_name}
        width={880}
        footer={null}
        onCancel={() => setViewing(null)}
        destroyOnHidden
      >
        {viewing && (
          <>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {m.labels.evidenceKind[viewing.evidence.kind]} · {formatSize(viewing.evidence.size)} · SHA-256 {viewing.evidence.sha256}
            </Typography.Paragraph>
            {preview(viewing)}
          </>
        )}
      </Modal>
    </div>
  );
}
