import { ExportOutlined, ImportOutlined, SyncOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Flex,
  Form,
  Input,
  Radio,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useRef, useState, type ComponentProps } from "react";

import {
  call,
  dialogs,
  toOperationError,
  unquotePath,
  type BundleExportReport,
  type BundleImportReport,
  type BundleLogEntry,
  type BundleScope,
  type Clash,
  type OperationError,
  type SyncConfigureRequest,
} from "../../api";
import { useSubmit } from "../../api/forms";
import { formatSize } from "../../components/Evidence";
import { PastedPath } from "../../components/PastedPath";
import { SyncStateBadge, useSync } from "../../components/Sync";
import { fileStamp, formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { rowProps, useReloaded } from "../emergency/shared";

/** The form's values: the request, and the boxes that send an empty value. */
type ConfigureValues = SyncConfigureRequest & { system_roots?: boolean; clear_signing_key?: boolean };

const SCOPES: BundleScope[] = ["waiting", "new", "all"];
const HEX64 = /^[0-9a-fA-F]{64}$/;

/** A site id shortened for people (its first 8 characters); the whole id on hover. */
function SiteId({ id }: { id: string }) {
  return (
    <Tooltip title={id}>
      <Typography.Text code>{id.length > 8 ? `${id.slice(0, 8)}…` : id}</Typography.Text>
    </Tooltip>
  );
}

/** What clashed between sites here, for a person to look at (the newest first). */
function ClashesCard({ clashes, total }: { clashes: Clash[]; total: number }) {
  const { m } = useI18n();
  const t = m.sync.tab;
  const columns: ColumnsType<Clash> = [
    { title: t.clashWhen, dataIndex: "occurred_at", width: 150, render: (v: string) => formatDateTime(v) },
    { title: t.clashSite, dataIndex: "site", width: 90 },
    { title: t.clashWhat, dataIndex: "kind", width: 130, render: (k: string) => m.labels.eventKind[k] ?? k },
    { title: t.clashCase, dataIndex: "case_no", width: 150, render: (v: string | null) => v ?? "—" },
    {
      title: t.clashOutcomeTitle,
      dataIndex: "outcome",
      width: 110,
      render: (o: string) => <Tag color={o === "set_aside" ? "red" : "orange"}>{t.clashOutcome[o] ?? o}</Tag>,
    },
    {
      title: t.clashWhy,
      dataIndex: "reason",
      render: (r: string) => (
        <Tooltip title={r}>
          <span>{t.clashReason(r)}</span>
        </Tooltip>
      ),
    },
  ];
  return (
    <Card title={t.clashesTitle(total)} data-testid="sync-clashes">
      <Alert type="warning" showIcon title={t.clashesIntro} style={{ marginBottom: 12 }} />
      <Table<Clash> rowKey="event_id" size="small" columns={columns} dataSource={clashes} pagination={false} />
      {total > clashes.length && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t.clashesMore(clashes.length, total)}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

/**
 * 总部同步 (administrators): this site, the hub it syncs with (address, credential, the
 * certificate to trust, the signing key for bundles), disconnecting, where the sync stands,
 * and sync bundles (offline transfer: export, import, their record).
 */
export function HubSync() {
  const { m } = useI18n();
  const t = m.sync.tab;
  const { message, modal } = App.useApp();
  const { view, running, refresh, syncNow, accept } = useSync();
  const [form] = Form.useForm<ConfigureValues>();
  const { busy, run } = useSubmit(form);
  // The hub's address is put in the form once, when first known (a poll does not overwrite
  // what is being typed).
  const filled = useRef(false);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!view || filled.current) return;
    filled.current = true;
    form.setFieldsValue({ hub_url: view.status.hub_url ?? "" });
  }, [view, form]);

  const save = async (values: ConfigureValues) => {
    const hubUrl = (values.hub_url ?? "").trim();
    const done = await run(async () => {
      const pem = (values.ca_pem ?? "").trim();
      const key = (values.signing_key ?? "").trim();
      const request: SyncConfigureRequest = { hub_url: hubUrl, token: hubUrl === "" ? "" : (values.token ?? "").trim() };
      // An empty field keeps the certificate set (as with the token); the box goes back to
      // the system's trusted certificates. Without a hub there is no certificate to send.
      if (hubUrl !== "") {
        if (pem !== "") request.ca_pem = pem;
        else if (values.system_roots) request.ca_pem = "";
      }
      // The signing key likewise: empty keeps it, the box clears it.
      if (key !== "") request.signing_key = key;
      else if (values.clear_signing_key) request.signing_key = "";
      const saved = await call("sync.configure", request);
      accept(saved);
      form.setFieldsValue({ hub_url: saved.status.hub_url ?? "", token: "", signing_key: "", clear_signing_key: false });
    });
    if (done) message.success(hubUrl === "" ? t.keySaved : t.saved);
  };

  /** Brings the signing key field into view (a bundle cannot be exported without it). */
  const toSigningKey = () => form.scrollToField("signing_key", { focus: true, block: "center" });

  const disconnect = () =>
    modal.confirm({
      title: t.disconnectTitle,
      content: t.disconnectConfirm,
      okText: t.disconnectOk,
      okButtonProps: { danger: true, "data-testid": "sync-disconnect-ok" } as ComponentProps<typeof Button>,
      onOk: async () => {
        try {
          const saved = await call("sync.configure", { hub_url: "", token: "", ca_pem: "" });
          accept(saved);
          form.resetFields();
          form.setFieldsValue({ hub_url: "" });
          message.success(t.disconnected);
        } catch (e) {
          message.error(toOperationError(e).message);
        }
      },
    });

  const configured = view?.configured ?? false;
  const status = view?.status;
  const publicKey = view?.public_key ?? null;

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Alert type="info" showIcon title={t.intro} />
      {(view?.clock_flags ?? []).map((f) => (
        <Alert
          key={f.site_id}
          type="warning"
          showIcon
          data-testid={`sync-clock-flag-${f.site_code ?? f.site_id}`}
          title={t.clockFlag(f.site_code ?? f.site_id.slice(0, 8), Math.round(f.ahead_ms / 60_000), f.events)}
          description={t.clockFlagHint(formatDateTime(f.last_seen_at))}
        />
      ))}

      {view && view.clashes_total > 0 && <ClashesCard clashes={view.clashes} total={view.clashes_total} />}

      <Card title={t.siteCard}>
        <Descriptions column={1} size="small" bordered data-testid="sync-site" style={{ maxWidth: 640 }}>
          <Descriptions.Item label={t.site}>{view ? m.settings.siteLabel(view.site_name, view.site_code) : "—"}</Descriptions.Item>
          <Descriptions.Item label={t.mode}>{view ? (configured ? t.connected : m.sync.standalone) : "—"}</Descriptions.Item>
          {configured && (
            <Descriptions.Item label={t.certificate}>
              {view?.own_certificate ? t.ownCertificate : t.systemCertificate}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>

      <Card title={t.connection}>
        <Form<ConfigureValues> form={form} layout="vertical" onFinish={save} style={{ maxWidth: 640 }}>
          <Form.Item
            name="hub_url"
            label={t.hubUrl}
            extra={
              configured ? (
                t.hubUrlHint
              ) : (
                <>
                  <div>{t.hubUrlHint}</div>
                  <div>{t.hubUrlStandalone}</div>
                </>
              )
            }
            required={configured}
            dependencies={["signing_key", "clear_signing_key"]}
            rules={[
              ({ getFieldValue }) => ({
                // A site without a hub may save its signing key alone (a branch that only
                // exchanges bundles); otherwise an empty address is not saved (disconnecting is
                // its own action).
                validator: (_, value: string | undefined) => {
                  if ((value ?? "").trim() !== "") return Promise.resolve();
                  const keyOnly =
                    !configured &&
                    (((getFieldValue("signing_key") as string | undefined) ?? "").trim() !== "" ||
                      getFieldValue("clear_signing_key") === true);
                  return keyOnly ? Promise.resolve() : Promise.reject(new Error(m.auth.required));
                },
              }),
            ]}
          >
            <Input placeholder="https://" autoComplete="off" spellCheck={false} data-testid="sync-hub-url" />
          </Form.Item>
          <Form.Item name="token" label={t.token} extra={configured ? `${t.tokenHint}${t.tokenKeep}` : t.tokenHint}>
            <Input.Password autoComplete="new-password" spellCheck={false} data-testid="sync-token" />
          </Form.Item>
          <Form.Item
            name="ca_pem"
            label={t.caPem}
            extra={
              <>
                <div>{t.caPemHint}</div>
                {view?.own_certificate && (
                  <Typography.Text type="warning" data-testid="sync-ca-kept">
                    {t.caPemKept}
                  </Typography.Text>
                )}
              </>
            }
          >
            <Input.TextArea
              rows={5}
              spellCheck={false}
              placeholder="-----BEGIN CERTIFICATE-----"
              style={{ fontFamily: "monospace", fontSize: 12 }}
              data-testid="sync-ca"
            />
          </Form.Item>
          {view?.own_certificate && (
            <Form.Item name="system_roots" valuePropName="checked">
              <Checkbox data-testid="sync-ca-system">{t.caPemSystem}</Checkbox>
            </Form.Item>
          )}
          <Form.Item
            name="signing_key"
            label={t.signingKey}
            extra={
              <>
                <div>{t.signingKeyHint}</div>
                {publicKey && (
                  <div data-testid="sync-public-key-box">
                    {t.publicKey}：
                    <Typography.Text code copyable={{ text: publicKey }} style={{ fontFamily: "monospace", wordBreak: "break-all" }} data-testid="sync-public-key">
                      {publicKey}
                    </Typography.Text>
                    <div>{t.publicKeyHint}</div>
                  </div>
                )}
              </>
            }
            rules={[
              {
                validator: (_, value: string | undefined) =>
                  (value ?? "").trim() === "" || HEX64.test((value ?? "").trim())
                    ? Promise.resolve()
                    : Promise.reject(new Error(t.signingKeyInvalid)),
              },
            ]}
          >
            <Input.Password
              autoComplete="new-password"
              spellCheck={false}
              placeholder={publicKey ? t.signingKeyKeep : t.signingKeyOptional}
              style={{ fontFamily: "monospace" }}
              data-testid="sync-signing-key"
            />
          </Form.Item>
          {publicKey && (
            <Form.Item name="clear_signing_key" valuePropName="checked">
              <Checkbox data-testid="sync-signing-key-clear">{t.signingKeyClear}</Checkbox>
            </Form.Item>
          )}
          <Space>
            <Button type="primary" htmlType="submit" loading={busy} disabled={!view} data-testid="sync-save">
              {m.auth.save}
            </Button>
            {configured && (
              <Button danger onClick={disconnect} disabled={busy} data-testid="sync-disconnect">
                {t.disconnect}
              </Button>
            )}
          </Space>
        </Form>
      </Card>

      <Card
        title={t.status}
        extra={
          <Space>
            <Button size="small" onClick={() => void refresh()} data-testid="sync-refresh">
              {t.refresh}
            </Button>
            <Button
              size="small"
              type="primary"
              icon={<SyncOutlined spin={running} />}
              disabled={!configured || running}
              onClick={() => void syncNow()}
              data-testid="sync-tab-now"
            >
              {m.sync.now}
            </Button>
          </Space>
        }
      >
        <Descriptions column={1} size="small" bordered data-testid="sync-status" style={{ maxWidth: 640 }}>
          <Descriptions.Item label={t.state}>
            {view && (configured ? <SyncStateBadge view={view} running={running} /> : <Badge status="default" text={m.sync.standalone} />)}
          </Descriptions.Item>
          <Descriptions.Item label={t.waiting}>
            {status ? (
              <Typography.Text type={status.waiting > 0 ? "warning" : undefined} strong={status.waiting > 0}>
                {t.waitingCount(status.waiting)}
              </Typography.Text>
            ) : (
              "—"
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t.cursor}>
            <span className="num">{status ? status.cursor : "—"}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t.lastPush}>{formatDateTime(status?.last_push_at)}</Descriptions.Item>
          <Descriptions.Item label={t.lastPull}>{formatDateTime(status?.last_pull_at)}</Descriptions.Item>
          <Descriptions.Item label={t.lastError}>
            {status?.last_error ? (
              <Typography.Text type="danger" data-testid="sync-last-error">
                {status.last_error}
              </Typography.Text>
            ) : (
              "—"
            )}
          </Descriptions.Item>
        </Descriptions>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {m.sync.auto}
        </Typography.Paragraph>
      </Card>

      <BundlesCard siteCode={view?.site_code ?? null} onNoKey={toSigningKey} />
    </Space>
  );
}

/** A refusal as the core gave it (already in the chosen language), its fields, and its code. */
function BundleError({ error, onNoKey, testId }: { error: OperationError; onNoKey: () => void; testId: string }) {
  const { m } = useI18n();
  const b = m.sync.bundles;
  // Nothing to export is not a failure: said, not alarmed.
  const empty = error.code === "bundle.empty";
  return (
    <Alert
      showIcon
      type={empty ? "info" : "error"}
      title={error.message}
      data-testid={testId}
      data-code={error.code}
      description={
        <>
          {error.fields.map((f) => (
            <div key={`${f.field}|${f.message}`}>{f.message}</div>
          ))}
          {!empty && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {b.errorCode(error.code)}
            </Typography.Text>
          )}
        </>
      }
      action={
        error.code === "bundle.no_key" ? (
          <Button size="small" onClick={onNoKey} data-testid="bundle-go-key">
            {b.goToKey}
          </Button>
        ) : undefined
      }
    />
  );
}

/**
 * 同步包（离线传递）: this site's events written to a signed file where the person picks, a
 * file received taken in (picked, or its path pasted), and the record of both.
 */
function BundlesCard({ siteCode, onNoKey }: { siteCode: string | null; onNoKey: () => void }) {
  const { m } = useI18n();
  const b = m.sync.bundles;
  const { refresh } = useSync();
  const [scope, setScope] = useState<BundleScope>("waiting");
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState<"export" | "import" | null>(null);
  const [exported, setExported] = useState<BundleExportReport | null>(null);
  const [exportError, setExportError] = useState<OperationError | null>(null);
  const [imported, setImported] = useState<BundleImportReport | null>(null);
  const [importError, setImportError] = useState<OperationError | null>(null);
  const [reloads, setReloads] = useState(0);
  const history = useReloaded("bundles.history", {}, reloads);

  /** After a bundle: the header's sync state and the record read again. */
  const after = () => {
    void refresh();
    setReloads((n) => n + 1);
  };

  const exportNow = async () => {
    if (!siteCode) return;
    setExportError(null);
    let path: string | null;
    try {
      path = await dialogs.saveBundle(b.saveTitle, b.fileName(siteCode, fileStamp()));
    } catch (e) {
      setExportError(toOperationError(e));
      return;
    }
    if (!path) return;
    setBusy("export");
    setExported(null);
    try {
      setExported(await call("bundles.export", { path, scope }));
      after();
    } catch (e) {
      setExportError(toOperationError(e));
    } finally {
      setBusy(null);
    }
  };

  const importFile = async (path: string) => {
    setBusy("import");
    setImported(null);
    setImportError(null);
    try {
      setImported(await call("bundles.import", { path }));
      setTyped("");
      after();
    } catch (e) {
      setImportError(toOperationError(e));
    } finally {
      setBusy(null);
    }
  };

  const pick = async () => {
    let chosen: string | null;
    try {
      chosen = await dialogs.pickBundle(b.pickTitle);
    } catch (e) {
      setImportError(toOperationError(e));
      return;
    }
    if (!chosen) return;
    await importFile(chosen);
  };

  /** A path typed or pasted (Explorer's "Copy as path" quotes it) is imported as a picked one. */
  const importTyped = async () => {
    const file = unquotePath(typed);
    if (file === "") return;
    await importFile(file);
  };

  const cell = (entry: BundleLogEntry, n: number) => (entry.direction === "export" ? "—" : n);
  const columns: ColumnsType<BundleLogEntry> = [
    { key: "at", title: b.columns.at, width: 150, className: "num", render: (_, r) => formatDateTime(r.at) },
    {
      key: "direction",
      title: b.columns.direction,
      width: 80,
      render: (_, r) => <Tag color={r.direction === "export" ? "blue" : "green"}>{b.direction[r.direction] ?? r.direction}</Tag>,
    },
    { key: "file", title: b.columns.file, ellipsis: true, dataIndex: "file_name" },
    { key: "events", title: b.columns.events, width: 80, className: "num", dataIndex: "events" },
    { key: "stored", title: b.columns.stored, width: 70, className: "num", render: (_, r) => cell(r, r.stored) },
    { key: "duplicates", title: b.columns.duplicates, width: 70, className: "num", render: (_, r) => cell(r, r.duplicates) },
    { key: "held", title: b.columns.held, width: 70, className: "num", render: (_, r) => cell(r, r.held) },
  ];

  return (
    <Card title={b.title} data-testid="bundles">
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Typography.Text type="secondary">{b.intro}</Typography.Text>

        <Card type="inner" size="small" title={b.export} data-testid="bundle-export-card">
          <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
            <Alert type="warning" showIcon title={b.exportWarning} data-testid="bundle-warning" />
            <div>
              <Typography.Text strong>{b.scope}</Typography.Text>
              <Radio.Group
                vertical
                aria-label={b.scope}
                value={scope}
                disabled={busy !== null}
                onChange={(e) => setScope(e.target.value as BundleScope)}
                data-testid="bundle-scope"
                style={{ display: "flex", marginTop: 8 }}
                options={SCOPES.map((x) => ({ value: x, label: <span data-testid={`bundle-scope-${x}`}>{b.scopeOption[x]}</span> }))}
              />
            </div>
            <div>
              <Button
                type="primary"
                icon={<ExportOutlined />}
                onClick={() => void exportNow()}
                loading={busy === "export"}
                disabled={!siteCode || busy !== null}
                data-testid="bundle-export"
              >
                {b.exportButton}
              </Button>
            </div>
            {exportError && <BundleError error={exportError} onNoKey={onNoKey} testId="bundle-export-error" />}
            {exported && (
              <Space orientation="vertical" size="small" style={{ width: "100%" }} data-testid="bundle-exported">
                <Alert type="success" showIcon title={b.exported(exported.file_name)} />
                <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
                  <Descriptions.Item label={b.events}>
                    <span className="num" data-testid="bundle-exported-events">{exported.events}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.keys}>
                    <span className="num" data-testid="bundle-exported-keys">{exported.keys}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.blobs}>
                    <span className="num" data-testid="bundle-exported-blobs">{exported.blobs}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.size}>
                    <span className="num" data-testid="bundle-exported-size">{formatSize(exported.bytes)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.file}>
                    <span data-testid="bundle-exported-file">{exported.file_name}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.ranges} span="filled">
                    <Space orientation="vertical" size={2}>
                      {exported.ranges.map((r) => (
                        <span key={r.site_id} data-testid="bundle-exported-range">
                          <SiteId id={r.site_id} /> <span className="num">{b.seq(r.first_seq, r.last_seq)}</span>
                        </span>
                      ))}
                    </Space>
                  </Descriptions.Item>
                </Descriptions>
              </Space>
            )}
          </Space>
        </Card>

        <Card type="inner" size="small" title={b.import} data-testid="bundle-import-card">
          <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
            <Typography.Text type="secondary">{b.importHint}</Typography.Text>
            <Flex wrap gap={12} align="center">
              <Button
                icon={<ImportOutlined />}
                onClick={() => void pick()}
                loading={busy === "import"}
                disabled={busy !== null}
                data-testid="bundle-pick"
              >
                {b.importButton}
              </Button>
              <PastedPath
                value={typed}
                onChange={setTyped}
                onSubmit={() => void importTyped()}
                placeholder={b.pathPlaceholder}
                label={b.pathLabel}
                submitLabel={b.importPath}
                disabled={busy !== null}
                testId="bundle"
                submitTestId="bundle-import-path"
              />
            </Flex>
            {importError && <BundleError error={importError} onNoKey={onNoKey} testId="bundle-import-error" />}
            {imported && (
              <Space orientation="vertical" size="small" style={{ width: "100%" }} data-testid="bundle-imported">
                <Alert type="success" showIcon title={b.imported(imported.site_code)} />
                {imported.held > 0 && <Alert type="warning" showIcon title={b.heldWarning(imported.held)} data-testid="bundle-held" />}
                {imported.forwarded === true && <Alert type="info" showIcon title={b.forwarded} data-testid="bundle-forwarded" />}
                {imported.forwarded === false && (
                  <Alert type="warning" showIcon title={b.notForwarded(imported.forward_error ?? "")} data-testid="bundle-not-forwarded" />
                )}
                <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
                  <Descriptions.Item label={b.fromSite}>
                    <span data-testid="bundle-imported-site">{imported.site_code}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.createdAt}>
                    <span className="num" data-testid="bundle-imported-at">{formatDateTime(imported.created_at)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.events}>
                    <span className="num" data-testid="bundle-imported-events">{b.count(imported.events)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.stored}>
                    <span className="num" data-testid="bundle-imported-stored">{b.count(imported.stored)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.duplicates}>
                    <span className="num" data-testid="bundle-imported-duplicates">{b.count(imported.duplicates)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.held}>
                    <Typography.Text type={imported.held > 0 ? "warning" : undefined} className="num" data-testid="bundle-imported-held">
                      {b.count(imported.held)}
                    </Typography.Text>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.heldTotal}>
                    <span className="num" data-testid="bundle-imported-held-total">{b.count(imported.held_total)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={b.blobsNew}>
                    <span className="num" data-testid="bundle-imported-blobs">{imported.blobs}</span>
                  </Descriptions.Item>
                </Descriptions>
              </Space>
            )}
          </Space>
        </Card>

        <Card type="inner" size="small" title={b.history} data-testid="bundle-history-card">
          <Table<BundleLogEntry>
            size="small"
            rowKey={(r) => `${r.direction}|${r.bundle_id}|${r.at}`}
            dataSource={history.rows ?? []}
            loading={history.loading}
            columns={columns}
            locale={{ emptyText: b.historyEmpty }}
            pagination={(history.rows?.length ?? 0) > 10 ? { pageSize: 10, showSizeChanger: false, size: "small" } : false}
            onRow={() => rowProps("bundle-history-row")}
            data-testid="bundle-history"
          />
        </Card>
      </Space>
    </Card>
  );
}
