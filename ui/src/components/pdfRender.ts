// Draws a PDF's pages onto canvases with pdf.js, in the app (the webview has no PDF viewer of
// its own on Linux). Kept apart from the React component so tests can replace it.
// pdf.js is loaded on first use (its own chunk): most screens never need it.
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";

/** Renders every page of `data` into `container`, each `width` CSS pixels wide; the page count. */
export async function renderPdf(data: Uint8Array, container: HTMLElement, width: number): Promise<number> {
  const { getDocument, GlobalWorkerOptions } = await import("pdfjs-dist");
  GlobalWorkerOptions.workerSrc = workerUrl;
  const task = getDocument({ data, isEvalSupported: false });
  const pdf = await task.promise;
  try {
    container.replaceChildren();
    const ratio = window.devicePixelRatio || 1;
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: (width / base.width) * ratio });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
      canvas.className = "pdf-page";
      canvas.dataset.page = String(n);
      container.appendChild(canvas);
      await page.render({ canvas, viewport }).promise;
    }
    return pdf.numPages;
  } finally {
    await pdf.destroy();
  }
}

/** Base64 (as the core sends a PDF) to bytes. */
export function fromBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
