import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { SessionView, SetupRequest } from "../../api";

// The first start's one call (auth_setup) and what the session does with its answer.
const setup = vi.fn<(request: SetupRequest) => Promise<SessionView>>();
const enter = vi.fn();
vi.mock("../../api", async (original) => {
  const api = await original<typeof import("../../api")>();
  return { ...api, session: { ...api.session, setup: (r: SetupRequest) => setup(r) } };
});
vi.mock("../../session", () => ({ useSession: () => ({ enter }) }));

const { I18nProvider } = await import("../../i18n");
const { Setup } = await import("./Setup");

function renderSetup() {
  render(
    <I18nProvider>
      <AntApp>
        <Setup />
      </AntApp>
    </I18nProvider>,
  );
}

const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

function fillAccount() {
  type("setup-username", "admin");
  type("setup-display-name", "上海管理员");
  type("setup-password", "Admin2026");
  type("setup-confirm", "Admin2026");
}

describe("the first start", () => {
  beforeEach(() => {
    setup.mockReset();
    enter.mockReset();
    setup.mockResolvedValue({} as SessionView);
  });

  it("sets up headquarters without a site code: the database keeps HQ", async () => {
    renderSetup();
    expect(screen.queryByTestId("setup-site-code")).toBeNull();
    fillAccount();
    fireEvent.click(screen.getByTestId("setup-submit"));
    await waitFor(() => expect(setup).toHaveBeenCalledTimes(1));
    expect(setup.mock.calls[0]?.[0]).toEqual({ username: "admin", display_name: "上海管理员", password: "Admin2026" });
    await waitFor(() => expect(enter).toHaveBeenCalled());
  });

  it("a branch gives the code headquarters registered it under, in capitals, and its name", async () => {
    renderSetup();
    fireEvent.click(screen.getByText("分公司、子公司或门店"));
    await screen.findByTestId("setup-site-code");
    expect(screen.getByText(/本站点的案件编号都将带上这个代码/)).toBeTruthy();
    fillAccount();
    // A code with other characters is refused on the spot, nothing sent.
    type("setup-site-code", "上海01");
    type("setup-site-name", "上海分公司");
    fireEvent.click(screen.getByTestId("setup-submit"));
    expect(await screen.findByText("1–12 位字母或数字")).toBeTruthy();
    expect(setup).not.toHaveBeenCalled();

    type("setup-site-code", "sh01");
    fireEvent.click(screen.getByTestId("setup-submit"));
    await waitFor(() => expect(setup).toHaveBeenCalledTimes(1));
    expect(setup.mock.calls[0]?.[0]).toEqual({
      username: "admin",
      display_name: "上海管理员",
      password: "Admin2026",
      site_code: "SH01",
      site_name: "上海分公司",
    });
  });

  it("shows the core's refusal of the code beside its field", async () => {
    setup.mockRejectedValue({
      code: "validation.failed",
      message: "请检查标出的字段",
      fields: [{ field: "site_code", rule: "invalid", message: "站点代码格式不正确" }],
    });
    renderSetup();
    fireEvent.click(screen.getByText("分公司、子公司或门店"));
    await screen.findByTestId("setup-site-code");
    fillAccount();
    type("setup-site-code", "SH01");
    type("setup-site-name", "上海分公司");
    fireEvent.click(screen.getByTestId("setup-submit"));
    expect(await screen.findByText("站点代码格式不正确")).toBeTruthy();
    expect(enter).not.toHaveBeenCalled();
  });
});
