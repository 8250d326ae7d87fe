import { beforeEach, describe, expect, it, vi } from "vitest";

// A hand-written stand-in for Tauri's invoke: what it was called with, and what it answers.
const ipc = { calls: [] as unknown[][], answer: (): Promise<unknown> => Promise.resolve(null) };
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (...args: unknown[]) => {
    ipc.calls.push(args);
    return ipc.answer();
  },
}));

const { call, OperationError, toOperationError } = await import(".");

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("call", () => {
  beforeEach(() => {
    ipc.calls = [];
  });

  it("invokes the operation's command with the request", async () => {
    ipc.answer = () => Promise.resolve({ total: 0, offset: 0, items: [] });
    const res = await call("cases.list", { limit: 5 });
    expect(ipc.calls).toEqual([["cases_list", { request: { limit: 5 } }]]);
    expect(res.total).toBe(0);
  });

  it("turns the core's error into an OperationError that names its fields", async () => {
    const rejection = {
      code: "validation.failed",
      message: "有 1 项填写不正确，请按提示修改",
      fields: [{ field: "limit", code: "field.out_of_range", message: "应在 1 到 500 之间" }],
    };
    ipc.answer = async () => {
      throw rejection;
    };
    const err = await rejectionOf(call("cases.list", { limit: 0 }));
    expect(err).toBeInstanceOf(OperationError);
    const op = err as InstanceType<typeof OperationError>;
    expect(op.code).toBe("validation.failed");
    expect(op.message).toBe("有 1 项填写不正确，请按提示修改");
    expect(op.fieldMessage("limit")).toBe("应在 1 到 500 之间");
    expect(op.fieldMessage("offset")).toBeUndefined();
  });

  it("wraps anything else the IPC layer throws", () => {
    const err = toOperationError("command cases_list not found");
    expect(err.code).toBe("ipc.failed");
    expect(err.message).toBe("command cases_list not found");
    expect(toOperationError(new Error("boom")).message).toBe("boom");
  });
});
