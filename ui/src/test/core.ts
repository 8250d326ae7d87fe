// A stand-in for the core in component tests: every `call` is recorded in `core.calls` and
// answered by `core.answer`. Use it from a test file as
//   vi.mock("../api", async (original) => (await import("../test/core")).withCore(await original()));
//   import { core } from "../test/core";
export type Answer = (name: string, request: unknown) => Promise<unknown>;

export const core = {
  calls: [] as [string, unknown][],
  answer: (() => Promise.resolve(null)) as Answer,
};

/** The real api module with `call` answered by `core`. */
export function withCore<T extends object>(api: T): T {
  return {
    ...api,
    call: (name: string, request: unknown) => {
      core.calls.push([name, request]);
      return core.answer(name, request);
    },
  };
}
