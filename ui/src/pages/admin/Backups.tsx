import { CloudUploadOutlined, FolderOpenOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Flex,
  Form,
  Input,
  InputNumber,
  Space,
  Switch,
  Table,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useState, type ComponentProps } from "react";

import {
  backups as shellBackups,
  call,
  dialogs,
  toOperationError,
  unquotePath,
  type BackupConfigureRequest,
  type BackupInfo,
  type BackupView,
  type ReplacedDatabase,
} from "../../api";
import { useSubmit } from "../../api/forms";
import { formatSize } from "../../components/Evidence";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";

/**
 * 备份与恢复 (administrators): where backups go, how many are kept, the daily backup; one
 * now; the backups in the folder, each checked or restored; and the databases restores set
 * aside. docs/BACKUP.md.
 */
export function Backups() {
  const { m } = useI18n();
  const t = m.admin.backups;
  const { message, modal } = App.useApp();
  const { refresh: refreshSession } = useSession();
  const [form] = Form.useForm<BackupConfigureRequest>();
  const { busy, run } = useSubmit(form);
  const [view, setView] = useState<BackupView | null>(null);
  const [working, setWorking] = useState<string | null>(null);

  const accept = useCallback(
    (v: BackupView) => {
      setView(v);
      form.setFieldsValue({ folder: v.folder ?? "", keep: v.keep, daily: v.daily });
    },
    [form],
  );

  const reload = useCallback(
    () =>
      call("backup.status", {})
        .then(accept)
        .catch((e: unknown) => message.error(toOperationError(e).message)),
    [accept, message],
  );

  useEffect(() => {
    void reload();
  }, [reload]);

  const save = async (values: BackupConfigureRequest) => {
    const done = await run(async () => {
      accept(
        await call("backup.configure", {
          folder: unquotePath(values.folder ?? ""),
          keep: values.keep,
          daily: values.daily,
        }),
      );
    });
    if (done) message.success(t.saved);
  };

  const pick = async () => {
    const folder = await dialogs.pickFolder(t.pickTitle);
    if (folder) form.setFieldsValue({ folder });
  };

  /** Runs one action on the page, with its button busy and its error shown. */
  const doing = async (key: string, action: () => Promise<void>) => {
    setWorking(key);
    try {
      await action();
    } catch (e) {
      message.error(toOperationError(e).message);
    } finally {
      setWorking(null);
    }
  };

  const backupNow = () =>
    doing("now", async () => {
      const made = await call("backup.create", {});
      message.success(t.made(made.backup.name, made.evidence_copied, formatSize(made.evidence_copied_bytes)));
      await reload();
    });

  const check = (b: BackupInfo) =>
    doing(`check-${b.name}`, async () => {
      const checked = await call("backup.verify", { path: b.path });
      modal.success({
        title: t.checkedTitle,
        content: <span data-testid="backup-checked">{t.checked(checked.events_checked, checked.evidence_checked)}</span>,
        okButtonProps: { "data-testid": "backup-checked-ok" } as ComponentProps<typeof Button>,
      });
    });

  const restore = (b: BackupInfo) =>
    modal.confirm({
      title: t.restoreTitle,
      width: 520,
      content: (
        <Space orientation="vertical">
          <Typography.Text>{t.restoreWhat(formatDateTime(b.manifest.created_at), b.manifest.site_code, b.manifest.cases)}</Typography.Text>
          {view && b.manifest.site_id !== view.site_id && (
            <Alert
              type="warning"
              showIcon
              data-testid="backup-restore-other-site"
              title={t.restoreOtherSite(b.manifest.site_code, view.site_code)}
            />
          )}
          <Typography.Text type="secondary">{t.restoreKeeps}</Typography.Text>
        </Space>
      ),
      okText: t.restoreOk,
      okButtonProps: { danger: true, "data-testid": "backup-restore-ok" } as ComponentProps<typeof Button>,
      onOk: () =>
        doing(`restore-${b.name}`, async () => {
          const restored = await shellBackups.restore(b.path);
          modal.info({
            title: t.restoredTitle,
            content: (
              <span data-testid="backup-restored">
                {t.restored(restored.checked.backup.manifest.cases, restored.replaced_kept_at ?? "—")}
              </span>
            ),
            okButtonProps: { "data-testid": "backup-restored-ok" } as ComponentProps<typeof Button>,
            onOk: refreshSession,
          });
        }),
    });

  const discard = (r: ReplacedDatabase) =>
    modal.confirm({
      title: t.discardTitle,
      content: t.discardWhat(r.path),
      okText: t.discardOk,
      okButtonProps: { danger: true, "data-testid": "backup-discard-ok" } as ComponentProps<typeof Button>,
      onOk: () =>
        doing(`discard-${r.name}`, async () => {
          accept(await call("backup.discard_replaced", { path: r.path }));
        }),
    });

  const columns: ColumnsType<BackupInfo> = [
    { title: t.when, key: "when", width: 170, render: (_, b) => formatDateTime(b.manifest.created_at) },
    { title: t.site, key: "site", width: 90, render: (_, b) => b.manifest.site_code },
    { title: t.cases, key: "cases", width: 90, align: "right", render: (_, b) => b.manifest.cases },
    { title: t.database, key: "db", width: 110, align: "right", render: (_, b) => formatSize(b.manifest.database_bytes) },
    {
      title: t.evidence,
      key: "evidence",
      width: 150,
      align: "right",
      render: (_, b) => t.evidenceFiles(b.manifest.evidence.length, formatSize(b.evidence_bytes)),
    },
    {
      title: t.actions,
      key: "actions",
      render: (_, b) => (
        <Space>
          <Button
            size="small"
            icon={<SafetyCertificateOutlined />}
            loading={working === `check-${b.name}`}
            data-testid="backup-check"
            onClick={() => void check(b)}
          >
            {t.check}
          </Button>
          <Button size="small" danger loading={working === `restore-${b.name}`} data-testid="backup-restore" onClick={() => restore(b)}>
            {t.restore}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: "100%" }} data-testid="backups">
      <Card title={t.settings}>
        <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
          {t.intro}
        </Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)} disabled={!view}>
          <Form.Item label={t.folder} extra={t.folderHint} required>
            <Flex gap={8}>
              <Form.Item name="folder" noStyle>
                <Input data-testid="backup-folder" placeholder={t.folderPlaceholder} />
              </Form.Item>
              <Button icon={<FolderOpenOutlined />} onClick={() => void pick()} data-testid="backup-pick">
                {t.pick}
              </Button>
            </Flex>
          </Form.Item>
          <Flex gap={32} wrap>
            <Form.Item name="keep" label={t.keep} extra={t.keepHint}>
              <InputNumber min={1} max={1000} precision={0} suffix={t.keepUnit} style={{ width: 160 }} data-testid="backup-keep" />
            </Form.Item>
            <Form.Item name="daily" label={t.daily} valuePropName="checked" extra={t.dailyHint}>
              <Switch data-testid="backup-daily" />
            </Form.Item>
          </Flex>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="backup-save">
            {t.save}
          </Button>
        </Form>
      </Card>

      <Card
        title={t.backupsTitle}
        extra={
          <Button
            type="primary"
            icon={<CloudUploadOutlined />}
            disabled={!view?.folder}
            loading={working === "now"}
            onClick={() => void backupNow()}
            data-testid="backup-now"
          >
            {t.now}
          </Button>
        }
      >
        {view && (
          <Descriptions size="small" column={2} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t.last}>
              <span data-testid="backup-last">
                {view.last_at ? `${formatDateTime(view.last_at)}（${view.last_name ?? ""}）` : t.never}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t.next}>
              {!view.folder ? t.noFolder : !view.daily ? t.dailyOff : view.due ? t.dueNow : t.dueTomorrow}
            </Descriptions.Item>
          </Descriptions>
        )}
        {view?.last_error && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="backup-error"
            title={t.lastFailed(formatDateTime(view.last_error_at ?? ""))}
            description={view.last_error}
          />
        )}
        {view?.folder_problem && (
          <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t.folderUnreadable} description={view.folder_problem} />
        )}
        <Table<BackupInfo>
          rowKey="name"
          size="small"
          data-testid="backup-list"
          loading={!view}
          columns={columns}
          dataSource={view?.backups ?? []}
          pagination={(view?.backups.length ?? 0) > 10 ? { pageSize: 10, showSizeChanger: false } : false}
          locale={{ emptyText: view?.folder ? t.none : t.noFolder }}
        />
      </Card>

      {view && view.replaced.length > 0 && (
        <Card title={t.replacedTitle} data-testid="backup-replaced">
          <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
            {t.replacedIntro}
          </Typography.Paragraph>
          <Table<ReplacedDatabase>
            rowKey="path"
            size="small"
            pagination={false}
            dataSource={view.replaced}
            columns={[
              { title: t.replacedPath, dataIndex: "path", render: (p: string) => <Typography.Text copyable>{p}</Typography.Text> },
              { title: t.database, dataIndex: "bytes", width: 110, align: "right", render: (n: number) => formatSize(n) },
              {
                title: t.actions,
                key: "actions",
                width: 110,
                render: (_, r) => (
                  <Button size="small" danger loading={working === `discard-${r.name}`} data-testid="backup-discard" onClick={() => discard(r)}>
                    {t.discard}
                  </Button>
                ),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
