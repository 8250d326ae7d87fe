import { Alert, App, Button, Modal, Space, Spin, Typography } from "antd";
import { useEffect, useRef, useState } from "react";

import { documentFiles, type GeneratedPdf, type OperationError } from "../api";
import { useI18n } from "../i18n";
import { fromBase64, renderPdf } from "./pdfRender";

/** Width of a rendered page in the preview, CSS pixels. */
const PAGE_WIDTH = 760;

/**
 * A generated document, previewed in the app page by page; saved through the native save
 * dialog or opened in the system's PDF viewer to print. `load` produces it (an operation).
 */
export function PdfPreview({
  open,
  title,
  load,
  onClose,
}: {
  open: boolean;
  title: string;
  load: () => Promise<GeneratedPdf>;
  onClose: () => void;
}) {
  return (
    <Modal open={open} title={title} width={PAGE_WIDTH + 64} onCancel={onClose} destroyOnHidden footer={null}>
      {open && <PdfBody load={load} onClose={onClose} width={PAGE_WIDTH} />}
    </Modal>
  );
}

/**
 * A generated document previewed in place, on the page rather than in a dialog, with its
 * summary and a button to print it. It loads once: mount it afresh (a new `key`) to load it
 * again.
 */
export function PdfPanel({ load, width, testId }: { load: () => Promise<GeneratedPdf>; width: number; testId?: string }) {
  return (
    <div data-testid={testId}>
      <PdfBody load={load} width={width} />
    </div>
  );
}

/**
 * The preview's content, mounted afresh each time the preview opens. In a dialog (`onClose`)
 * it offers to close, save and print; in place, to print.
 */
function PdfBody({ load, onClose, width }: { load: () => Promise<GeneratedPdf>; onClose?: () => void; width: number }) {
  const { m } = useI18n();
  const d = m.documents;
  const { message } = App.useApp();
  const [loader] = useState(() => load);
  const [pdf, setPdf] = useState<GeneratedPdf | null>(null);
  const [error, setError] = useState<OperationError | null>(null);
  const [renderFailed, setRenderFailed] = useState(false);
  const [busy, setBusy] = useState<"save" | "print" | null>(null);
  const pages = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    loader()
      .then((p) => live && setPdf(p))
      .catch((e: OperationError) => live && setError(e));
    return () => {
      live = false;
    };
  }, [loader]);

  useEffect(() => {
    if (!pdf || !pages.current) return;
    renderPdf(fromBase64(pdf.data), pages.current, width).catch(() => setRenderFailed(true));
  }, [pdf, width]);

  const save = async () => {
    if (!pdf) return;
    setBusy("save");
    try {
      const path = await documentFiles.save(pdf, d.saveTitle);
      if (path) message.success(d.saved(path));
    } catch (e) {
      message.error((e as OperationError).message);
    } finally {
      setBusy(null);
    }
  };
  const print = async () => {
    if (!pdf) return;
    setBusy("print");
    try {
      await documentFiles.print(pdf);
      message.info(d.sentToPrinter);
    } catch (e) {
      message.error((e as OperationError).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      {error && <Alert type="error" showIcon message={error.message} data-testid="pdf-error" />}
      {!pdf && !error && (
        <div style={{ textAlign: "center", padding: 48 }}>
          <Spin tip={d.rendering}>
            <div style={{ height: 40 }} />
          </Spin>
        </div>
      )}
      {renderFailed && <Alert type="warning" message={d.previewFailed} style={{ marginBottom: 8 }} />}
      <div
        ref={pages}
        data-testid="pdf-pages"
        className="pdf-pages"
        style={{ maxHeight: "70vh", overflow: "auto", background: "#e9e9e9", padding: 8, display: pdf ? "block" : "none" }}
      />
      <div style={{ display: "flex", justifyContent: "flex-end", marginTop: 16 }}>
        <Space>
          {pdf && (
            <Typography.Text type="secondary" data-testid="pdf-summary">
              {d.summary(pdf.pages, (pdf.size / 1024).toFixed(1))}
            </Typography.Text>
          )}
          {onClose && (
            <>
              <Button onClick={onClose} data-testid="pdf-close">
                {d.close}
              </Button>
              <Button onClick={save} disabled={!pdf} loading={busy === "save"} data-testid="pdf-save">
                {d.save}
              </Button>
            </>
          )}
          <Button type="primary" onClick={print} disabled={!pdf} loading={busy === "print"} data-testid="pdf-print">
            {d.print}
          </Button>
        </Space>
      </div>
    </>
  );
}
