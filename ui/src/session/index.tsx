// Who is signed in, for every screen: the first start, sign-in, the idle lock, and what the
// signed-in person may do. The shell holds the session; this mirrors it.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import {
  onSessionLost,
  session as api,
  type AccountView,
  type OperationError,
  type Permission,
  type SessionView,
} from "../api";

export type Phase =
  | { kind: "loading" }
  | { kind: "fatal"; error: OperationError }
  | { kind: "setup" }
  | { kind: "sign-in" }
  | { kind: "locked"; session: SessionView }
  | { kind: "ready"; session: SessionView };

interface SessionContext {
  phase: Phase;
  /** After a sign-in, set-up, unlock or password change. */
  enter: (session: SessionView) => void;
  refresh: () => void;
  signOut: () => void;
  can: (permission: Permission) => boolean;
}

const Context = createContext<SessionContext | null>(null);

/** Activity is reported to the shell at most this often. */
const TOUCH_EVERY_MS = 30_000;
const ACTIVITY_EVENTS = ["mousemove", "mousedown", "keydown", "wheel", "touchstart"] as const;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [phase, setPhase] = useState<Phase>({ kind: "loading" });
  const lastActivity = useRef(0);
  const lastTouch = useRef(0);

  const refresh = useCallback(() => {
    api
      .status()
      .then((s) => {
        lastActivity.current = Date.now();
        if (s.needs_setup) setPhase({ kind: "setup" });
        else if (!s.session) setPhase({ kind: "sign-in" });
        else if (s.locked) setPhase({ kind: "locked", session: s.session });
        else setPhase({ kind: "ready", session: s.session });
      })
      .catch((error: OperationError) => setPhase({ kind: "fatal", error }));
  }, []);

  useEffect(refresh, [refresh]);

  useEffect(
    () =>
      onSessionLost((code) => {
        if (code === "auth.session_locked") {
          setPhase((p) => (p.kind === "ready" ? { kind: "locked", session: p.session } : p));
        } else {
          refresh();
        }
      }),
    [refresh],
  );

  // The idle lock: activity keeps the session open; past the configured minutes without any,
  // the screen locks (and the shell refuses every call until the password is given again).
  const readySession = phase.kind === "ready" ? phase.session : null;
  useEffect(() => {
    if (!readySession) return;
    const limit = readySession.idle_lock_minutes * 60_000;
    const onActivity = () => {
      const now = Date.now();
      lastActivity.current = now;
      if (now - lastTouch.current > TOUCH_EVERY_MS) {
        lastTouch.current = now;
        api.touch().catch(() => undefined);
      }
    };
    ACTIVITY_EVENTS.forEach((e) => window.addEventListener(e, onActivity, { passive: true }));
    const timer = window.setInterval(() => {
      if (Date.now() - lastActivity.current > limit) {
        setPhase({ kind: "locked", session: readySession });
      }
    }, 5_000);
    return () => {
      ACTIVITY_EVENTS.forEach((e) => window.removeEventListener(e, onActivity));
      window.clearInterval(timer);
    };
  }, [readySession]);

  const enter = useCallback((s: SessionView) => {
    lastActivity.current = Date.now();
    setPhase({ kind: "ready", session: s });
  }, []);

  const signOut = useCallback(() => {
    api
      .signOut()
      .catch(() => undefined)
      .finally(() => setPhase({ kind: "sign-in" }));
  }, []);

  const value = useMemo<SessionContext>(
    () => ({
      phase,
      enter,
      refresh,
      signOut,
      can: (p) => phase.kind === "ready" && phase.session.permissions.includes(p),
    }),
    [phase, enter, refresh, signOut],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): SessionContext {
  const ctx = useContext(Context);
  if (!ctx) throw new Error("useSession outside SessionProvider");
  return ctx;
}

/** The signed-in account, if any (null outside a session, as in a component's own test). */
export function useAccount(): AccountView | null {
  const ctx = useContext(Context);
  return ctx?.phase.kind === "ready" ? ctx.phase.session.account : null;
}

/**
 * Whether the signed-in person has this permission (false outside a session, as in a
 * component's own test).
 */
export function useCan(permission: Permission): boolean {
  const ctx = useContext(Context);
  return ctx?.can(permission) ?? false;
}
