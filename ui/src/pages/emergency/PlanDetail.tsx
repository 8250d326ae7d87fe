import { EditOutlined, PrinterOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Drawer, Result, Row, Skeleton, Space, Typography } from "antd";
import { useEffect, useState } from "react";

import { call, type ContingencyVersionView, type ContingencyView, type DrillView, type OperationError } from "../../api";
import { PdfPreview } from "../../components/PdfPreview";
import { ApproveVersionModal, VersionList, VersionTag } from "../../components/versions";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { DrillTable } from "./Drills";
import { PlanContent } from "./PlanContent";
import { KindTag } from "./shared";

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
            <VersionList
              versions={view.versions}
              shown={shown.version}
              onShow={(v) => setSelected({ id: view.id, version: v.version })}
              mayApprove={mayApprove}
              onApprove={setApproving}
              testId="plan"
            />
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
      <ApproveVersionModal<ContingencyView>
        version={approving?.version ?? null}
        submit={(effectiveFrom) =>
          call("contingency.approve", { id: view?.id ?? "", version: approving?.version ?? 0, effective_from: effectiveFrom })
        }
        onCancel={() => setApproving(null)}
        onDone={(v) => {
          setApproving(null);
          setLoaded({ id: v.id, view: v });
          setSelected(null);
          onChanged();
        }}
        testId="plan"
      />
    </Drawer>
  );
}
