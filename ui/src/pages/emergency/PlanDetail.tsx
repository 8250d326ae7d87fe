import { EditOutlined, PrinterOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Drawer, Form, Input, Result, Row, Skeleton, Space, Typography } from "antd";
import { useEffect, useState } from "react";

import { call, type ContingencyVersionView, type ContingencyView, type DrillView, type OperationError } from "../../api";
import { chinaToday } from "../../components/handling/common";
import { PdfPreview } from "../../components/PdfPreview";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { DrillTable } from "./Drills";
import { PlanContent } from "./PlanContent";
import { FormModal, KindTag, useRules, VersionTag } from "./shared";

/** The version shown first: the one in force, else the latest. */
const shownFirst = (view: ContingencyView) => (view.versions.find((v) => v.in_force) ?? view.versions[0])?.version ?? 0;

/** A plan: its versions (newest first), each readable; revising, approving, printing; its drills. */
export function PlanDetail({
  planId,
  reloads,
  onClose,
  onRevise,
  onReviseFromDrill,
  onChanged,
}: {
  planId: string | null;
  reloads: number;
  onClose: () => void;
  /** Opens the editor on the plan's latest version. */
  onRevise: (view: ContingencyView) => void;
  onReviseFromDrill: (drill: DrillView) => void;
  onChanged: () => void;
}) {
  const { m } = useI18n();
  const p = m.emergency.plans;
  const { can } = useSession();
  const mayManage = can("emergency.manage");
  const mayApprove = can("emergency.approve");
  const rules = useRules();
  const [loaded, setLoaded] = useState<{ id: string; view?: ContingencyView; error?: OperationError } | null>(null);
  const [selected, setSelected] = useState<{ id: string; version: number } | null>(null);
  const [approving, setApproving] = useState<ContingencyVersionView | null>(null);
  const [printing, setPrinting] = useState(false);

  useEffect(() => {
    if (!planId) return;
    let live = true;
    call("contingency.get", { id: planId })
      .then((view) => live && setLoaded({ id: planId, view }))
      .catch((error: OperationError) => live && setLoaded({ id: planId, error }));
    return () => {
      live = false;
    };
  }, [planId, reloads]);

  const current = loaded && loaded.id === planId ? loaded : null;
  const view = current?.view ?? null;
  const latest = view?.versions[0] ?? null;
  const shown =
    (view && view.versions.find((v) => v.version === (selected?.id === view.id ? selected.version : shownFirst(view)))) ??
    latest;

  return (
    <Drawer
      open={planId !== null}
      onClose={onClose}
      size="min(1280px, 96vw)"
      destroyOnHidden
      data-testid="plan-detail"
      title={
        view ? (
          <Space size={8} wrap>
            <span data-testid="plan-detail-title">{view.title}</span>
            <KindTag kind={view.kind} />
          </Space>
        ) : (
          p.loading
        )
      }
      extra={
        view &&
        latest && (
          <Space>
            {mayManage &&
              (latest.status === "draft" ? (
                <Button icon={<EditOutlined />} onClick={() => onRevise(view)} data-testid="plan-edit-draft">
                  {p.editDraft}
                </Button>
              ) : (
                <Button type="primary" icon={<EditOutlined />} onClick={() => onRevise(view)} data-testid="plan-revise">
                  {p.revise}
                </Button>
              ))}
            <Button icon={<PrinterOutlined />} onClick={() => setPrinting(true)} data-testid="plan-pdf">
              {p.print}
            </Button>
          </Space>
        )
      }
    >
      {current?.error && !view && <Result status="error" title={p.loadFailed} subTitle={current.error.message} />}
      {!current && <Skeleton active />}
      {view && shown && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={7}>
            <Card size="small" title={p.versions}>
              <div role="list">
                {view.versions.map((v) => (
                  <div
                    key={v.version}
                    role="listitem"
                    className="plan-version"
                    data-testid={`plan-version-${v.version}`}
                    onClick={() => setSelected({ id: view.id, version: v.version })}
                    style={{
                      cursor: "pointer",
                      display: "flex",
                      alignItems: "center",
                      gap: 8,
                      padding: "8px",
                      borderBottom: "1px solid #f0f0f0",
                      background: v.version === shown.version ? "#e6f4ff" : undefined,
                    }}
                  >
                    <div style={{ flex: 1, minWidth: 0 }}>
                      <Space size={4}>
                        <Typography.Text strong>{p.version(v.version)}</Typography.Text>
                        <VersionTag version={v} />
                      </Space>
                      <Typography.Text type="secondary" className="num" style={{ display: "block", fontSize: 12 }}>
                        {v.effective_from ? p.effectiveOn(v.effective_from) : p.draftedOn(formatDateTime(v.drafted_at))}
                      </Typography.Text>
                    </div>
                    {mayApprove && v.status === "draft" && (
                      <Button
                        size="small"
                        type="primary"
                        onClick={(ev) => {
                          ev.stopPropagation();
                          setApproving(v);
                        }}
                        data-testid={`plan-approve-${v.version}`}
                      >
                        {p.approve}
                      </Button>
                    )}
                  </div>
                ))}
              </div>
            </Card>
          </Col>
          <Col xs={24} lg={17}>
            <Card
              size="small"
              title={
                <Space size={8}>
                  <span>{p.version(shown.version)}</span>
                  <VersionTag version={shown} />
                  {shown.title !== view.title && <Typography.Text type="secondary">{shown.title}</Typography.Text>}
                </Space>
              }
            >
              {shown.status === "draft" && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={p.draftHint} />}
              <PlanContent version={shown} />
            </Card>
            <Card size="small" title={p.drills(view.drills.length)} style={{ marginTop: 16 }}>
              <DrillTable
                rows={view.drills}
                mayManage={mayManage}
                compact
                onRevise={onReviseFromDrill}
              />
            </Card>
          </Col>
        </Row>
      )}
      {view && (
        <PdfPreview
          open={printing}
          title={`${view.title} ${p.version(shown?.version ?? 0)}`}
          load={() => call("contingency.pdf", { id: view.id, ...(shown ? { version: shown.version } : {}) })}
          onClose={() => setPrinting(false)}
        />
      )}
      <FormModal<{ effective_from: string }, ContingencyView>
        open={approving !== null}
        title={p.approveTitle(approving?.version ?? 0)}
        fields={["effective_from"]}
        initialValues={{ effective_from: chinaToday() }}
        submitTestId="plan-approve-submit"
        okText={p.approve}
        intro={<Typography.Paragraph type="secondary">{p.approveHint}</Typography.Paragraph>}
        submit={(v) =>
          call("contingency.approve", { id: view?.id ?? "", version: approving?.version ?? 0, effective_from: v.effective_from.trim() })
        }
        onCancel={() => setApproving(null)}
        onDone={(v) => {
          setApproving(null);
          setLoaded({ id: v.id, view: v });
          setSelected(null);
          onChanged();
        }}
      >
        <Form.Item name="effective_from" label={p.effectiveFrom} rules={[rules.required, rules.date]} extra={p.effectiveHint}>
          <Input placeholder="YYYY-MM-DD" style={{ width: 200 }} data-testid="plan-effective-from" />
        </Form.Item>
      </FormModal>
    </Drawer>
  );
}
