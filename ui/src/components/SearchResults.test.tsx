import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { SearchResponse } from "../api";
import { core } from "../test/core";

vi.mock("../api", async (original) => (await import("../test/core")).withCore(await original()));

const { I18nProvider } = await import("../i18n");
const { SearchResults } = await import("./SearchResults");

const REPLY: SearchResponse = {
  total: 41,
  offset: 0,
  ranked: true,
  items: [
    {
      case: {
        id: "c1",
        case_no: "2026-HQ-000437",
        received_at: "2026-11-14T03:03:51.730Z",
        channel: "hotline",
        consumer_name: "高某",
        product_name: "燃气热水器",
        category: "product_quality",
        severity: "general",
        department: "售后服务部",
        store: null,
        status: "received",
        handler: "陈静",
        due_at: null,
        overdue: false,
        at_risk: false,
        paused_reason: null,
        ack_due_at: null,
        ack_overdue: false,
        satisfaction: null,
        result: null,
      },
      field: "content",
      snippet: "热水器漏水，漏水严重",
      marks: [
        [3, 5],
        [6, 8],
      ],
    },
  ],
};

describe("SearchResults", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    core.answer = () => Promise.resolve(REPLY);
  });

  it("asks the core, shows the total, marks the matches and opens a case", async () => {
    const onOpen = vi.fn();
    render(
      <I18nProvider>
        <AntApp>
          <SearchResults query="漏水" onOpen={onOpen} />
        </AntApp>
      </I18nProvider>,
    );
    expect((await screen.findByTestId("search-total")).textContent).toBe("找到 41 件");
    expect(core.calls).toEqual([["cases.search", { query: "漏水", limit: 20, offset: 0 }]]);
    const hit = screen.getByTestId("search-hit-2026-HQ-000437");
    expect(Array.from(hit.querySelectorAll("mark")).map((m) => m.textContent)).toEqual(["漏水", "漏水"]);
    expect(hit.textContent).toContain("投诉内容");
    fireEvent.click(hit);
    expect(onOpen).toHaveBeenCalledWith("c1");
    // 41 results: a second page is asked for with its offset.
    fireEvent.click(screen.getByTitle("2"));
    await waitFor(() => expect(core.calls).toContainEqual(["cases.search", { query: "漏水", limit: 20, offset: 20 }]));
  });

  it("shows the core's refusal", async () => {
    core.answer = () => Promise.reject({ code: "validation.failed", message: "请输入要检索的文字", fields: [] });
    render(
      <I18nProvider>
        <AntApp>
          <SearchResults query="，" onOpen={() => undefined} />
        </AntApp>
      </I18nProvider>,
    );
    expect((await screen.findByTestId("search-error")).textContent).toContain("请输入要检索的文字");
  });
});
