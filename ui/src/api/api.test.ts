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
const { fieldNamePath, showFieldErrors } = await import("./forms");

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

describe("showFieldErrors", () => {
  /** A form that only records what it is told to show. */
  const recorder = () => {
    const shown: { name: (string | number)[]; errors: string[] }[][] = [];
    const form = { setFields: (fields: (typeof shown)[number]) => shown.push(fields) };
    return { shown, form: form as unknown as Parameters<typeof showFieldErrors>[0] };
  };
  const refusal = (...fields: [string, string][]) =>
    new OperationError({
      code: "validation.failed",
      message: "请检查填写的内容",
      fields: fields.map(([field, message]) => ({ field, code: "field.invalid", message })),
    });

  it("maps dotted paths and list indexes to antd name paths", () => {
    expect(fieldNamePath("summary")).toEqual(["summary"]);
    expect(fieldNamePath("consumer.mobile")).toEqual(["consumer", "mobile"]);
    expect(fieldNamePath("measures[0].amount")).toEqual(["measures", 0, "amount"]);
    expect(fieldNamePath("measures[0].steps[1].due_on")).toEqual(["measures", 0, "steps", 1, "due_on"]);
    expect(fieldNamePath("members[12]")).toEqual(["members", 12]);
  });

  it("puts each field's problems on it, several of one field together", () => {
    const { shown, form } = recorder();
    const named = showFieldErrors(
      form,
      refusal(
        ["consumer.mobile", "手机号码格式不正确"],
        ["measures[1].steps[0].due_on", "不能早于今天"],
        ["measures[1].steps[0].due_on", "必填"],
      ),
    );
    expect(named).toBe(true);
    expect(shown).toEqual([
      [
        { name: ["consumer", "mobile"], errors: ["手机号码格式不正确"] },
        { name: ["measures", 1, "steps", 0, "due_on"], errors: ["不能早于今天", "必填"] },
      ],
    ]);
  });

  it("says so when the core named no field", () => {
    const { shown, form } = recorder();
    expect(showFieldErrors(form, refusal())).toBe(false);
    expect(shown).toEqual([]);
  });
});
