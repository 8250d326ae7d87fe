import { SyncOutlined } from "@ant-design/icons";
import { Alert, App, Badge, Button, Card, Checkbox, Descriptions, Form, Input, Space, Typography } from "antd";
import { useEffect, useRef, type ComponentProps } from "react";

import { call, toOperationError, type SyncConfigureRequest } from "../../api";
import { useSubmit } from "../../api/forms";
import { SyncStateBadge, useSync } from "../../components/Sync";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";

/**
 * 总部同步 (administrators): this site, the hub it syncs with (address, credential, the
 * certificate to trust), disconnecting, and where the sync stands.
 */
export function HubSync() {
  const { m } = useI18n();
  const t = m.sync.tab;
  const { message, modal } = App.useApp();
  const { view, running, refresh, syncNow, accept } = useSync();
  const [form] = Form.useForm<SyncConfigureRequest>();
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

  const save = async (values: SyncConfigureRequest & { system_roots?: boolean }) => {
    const done = await run(async () => {
      const pem = (values.ca_pem ?? "").trim();
      const request: SyncConfigureRequest = {
        hub_url: (values.hub_url ?? "").trim(),
        token: (values.token ?? "").trim(),
      };
      // An empty field keeps the certificate set (as with the token); the box goes back to
      // the system's trusted certificates.
      if (pem !== "") request.ca_pem = pem;
      else if (values.system_roots) request.ca_pem = "";
      const saved = await call("sync.configure", request);
      accept(saved);
      form.setFieldsValue({ hub_url: saved.status.hub_url ?? "", token: "" });
    });
    if (done) message.success(t.saved);
  };

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

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Alert type="info" showIcon title={t.intro} />

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
        <Form<SyncConfigureRequest> form={form} layout="vertical" onFinish={save} style={{ maxWidth: 640 }}>
          <Form.Item name="hub_url" label={t.hubUrl} extra={t.hubUrlHint} rules={[{ required: true, whitespace: true, message: m.auth.required }]}>
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
    </Space>
  );
}
