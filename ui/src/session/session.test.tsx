import { act, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { AuthStatus, SessionView } from "../api";

const view: SessionView = {
  account: {
    id: "a1",
    username: "agent01",
    display_name: "林晓",
    unit_id: null,
    unit_name: null,
    roles: ["intake_agent"],
    active: true,
    locked_until: null,
  },
  permissions: ["case.view", "case.intake"],
  case_scope: "all",
  must_change_password: false,
  idle_lock_minutes: 1,
};

// The shell's session, as the UI sees it: signed in, with a one-minute idle lock.
const shell = { touches: 0, status: (): Promise<AuthStatus> => Promise.resolve({ needs_setup: false, session: view, locked: false }) };
vi.mock("../api", async (importOriginal) => {
  const original = await importOriginal<typeof import("../api")>();
  return {
    ...original,
    session: {
      ...original.session,
      status: () => shell.status(),
      touch: () => {
        shell.touches += 1;
        return Promise.resolve();
      },
    },
  };
});

const { SessionProvider, useSession } = await import(".");

function Probe() {
  const { phase, can } = useSession();
  return (
    <div>
      <span data-testid="phase">{phase.kind}</span>
      <span data-testid="can-intake">{String(can("case.intake"))}</span>
      <span data-testid="can-accounts">{String(can("account.manage"))}</span>
    </div>
  );
}

describe("SessionProvider", () => {
  afterEach(() => vi.useRealTimers());

  it("follows the shell's session and what it permits", async () => {
    render(
      <SessionProvider>
        <Probe />
      </SessionProvider>,
    );
    expect((await screen.findByText("ready")).textContent).toBe("ready");
    expect(screen.getByTestId("can-intake").textContent).toBe("true");
    expect(screen.getByTestId("can-accounts").textContent).toBe("false");
  });

  it("locks after the idle minutes without activity, and activity keeps it open", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    render(
      <SessionProvider>
        <Probe />
      </SessionProvider>,
    );
    await screen.findByText("ready");
    // 50 s idle, then activity: still open 50 s later.
    act(() => vi.advanceTimersByTime(50_000));
    // React attaches the activity listeners in an effect that may run just after "ready" is on
    // screen (it did on a loaded CI machine), so the key is pressed until the shell hears it.
    await waitFor(() => {
      act(() => {
        window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
      });
      expect(shell.touches).toBeGreaterThan(0);
    });
    act(() => vi.advanceTimersByTime(50_000));
    expect(screen.getByTestId("phase").textContent).toBe("ready");
    // A full minute and more without activity: locked.
    act(() => vi.advanceTimersByTime(70_000));
    expect(screen.getByTestId("phase").textContent).toBe("locked");
  });

  it("asks for the first administrator when no account exists", async () => {
    shell.status = () => Promise.resolve({ needs_setup: true, session: null, locked: false });
    render(
      <SessionProvider>
        <Probe />
      </SessionProvider>,
    );
    expect((await screen.findByText("setup")).textContent).toBe("setup");
  });
});
