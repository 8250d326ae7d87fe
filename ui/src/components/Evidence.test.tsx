import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { EvidenceView } from "../api";
import { core } from "../test/core";

// A stand-in for the core (../test/core) and the shell's dialogs.
const picked = { files: [] as string[] };
vi.mock("../api", async (original) => ({
  ...(await import("../test/core")).withCore(await original()),
  dialogs: { pickFiles: () => Promise.resolve(picked.files), pickFolder: () => Promise.resolve("/home/agent/导出") },
  evidenceUrl: (id: string) => `evidence://localhost/${id}`,
}));

const { I18nProvider } = await import("../i18n");
const { Evidence, guessKind, formatSize } = await import("./Evidence");

const ITEM: EvidenceView = {
  id: "ev1",
  case_id: "c1",
  sha256: "a".repeat(64),
  size: 2_500_000,
  file_name: "发票.jpg",
  mime: "image/jpeg",
  kind: "receipt",
  description: "购机发票",
  source: "消费者提供",
  collected_by: "陈静",
  collected_at: "2026-11-20",
  added_by: "陈静",
  added_at: "2026-11-20T02:00:00.000Z",
  duplicate: false,
};

function renderEvidence(onChanged = vi.fn()) {
  render(
    <I18nProvider>
      <AntApp>
        <Evidence caseId="c1" caseNo="2026-HQ-000001" canHandle onChanged={onChanged} />
      </AntApp>
    </I18nProvider>,
  );
  return onChanged;
}

describe("Evidence", () => {
  beforeEach(() => {
    core.calls = [];
  });

  it("guesses a file's kind from its name and writes sizes readably", () => {
    expect(guessKind("/tmp/增值税发票.pdf")).toBe("receipt");
    expect(guessKind("C:\\docs\\检测报告.pdf")).toBe("test_report");
    expect(guessKind("/tmp/录音.m4a")).toBe("audio");
    expect(guessKind("/tmp/IMG_0001.HEIC")).toBe("photo");
    expect(formatSize(2_500_000)).toBe("2.4 MB");
    expect(formatSize(512)).toBe("512 B");
  });

  it("attaches the files picked in the dialog with their kinds, then lists them", async () => {
    picked.files = ["/home/agent/聊天记录.txt", "/home/agent/现场.mp4"];
    let listed: EvidenceView[] = [];
    core.answer = (name) => {
      if (name === "evidence.list") return Promise.resolve(listed);
      if (name === "evidence.add") {
        listed = [ITEM];
        return Promise.resolve({ items: [ITEM, ITEM], already_stored: 1 });
      }
      return Promise.resolve(null);
    };
    const onChanged = renderEvidence();
    fireEvent.click(await screen.findByTestId("evidence-add"));
    fireEvent.click(await screen.findByTestId("evidence-submit"));
    await waitFor(() => expect(core.calls.some(([n]) => n === "evidence.add")).toBe(true));
    const [, request] = core.calls.find(([n]) => n === "evidence.add")!;
    expect(request).toMatchObject({
      case_id: "c1",
      files: [
        { path: "/home/agent/聊天记录.txt", kind: "chat_log" },
        { path: "/home/agent/现场.mp4", kind: "video" },
      ],
    });
    expect(await screen.findByText("发票.jpg")).toBeTruthy();
    expect(onChanged).toHaveBeenCalled();
  });

  it("opens a file for preview through the core (which records the viewing) and reports a changed file", async () => {
    core.answer = (name) => {
      if (name === "evidence.list") return Promise.resolve([ITEM]);
      if (name === "evidence.open") return Promise.resolve({ evidence: ITEM, path: "/x" });
      if (name === "evidence.verify") {
        return Promise.resolve({ checked: 1, intact: 0, problems: [{ evidence: ITEM, problem: "changed" }] });
      }
      return Promise.resolve(null);
    };
    renderEvidence();
    fireEvent.click(await screen.findByTestId("evidence-open-发票.jpg"));
    const img = (await screen.findByTestId("evidence-preview-image")) as HTMLImageElement;
    expect(img.getAttribute("src")).toBe("evidence://localhost/ev1");
    expect(core.calls.some(([n, r]) => n === "evidence.open" && (r as { id: string }).id === "ev1")).toBe(true);
    fireEvent.click(screen.getByTestId("evidence-verify"));
    const report = await screen.findByTestId("evidence-report");
    expect(report.textContent).toContain("1 份证据中有 1 份异常");
    expect(report.textContent).toContain("发票.jpg：内容已被改动");
  });
});
