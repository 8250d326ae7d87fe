// The one door from the UI to Rust: every call names an operation and gets its typed
// response, or throws an OperationError carrying the core's {code, message, fields}.
import { invoke } from "@tauri-apps/api/core";

import { COMMANDS, type ApiError, type Lang, type Operations } from "./bindings";

export type * from "./bindings";

export type OperationName = keyof Operations;
export type RequestOf<K extends OperationName> = Operations[K]["request"];
export type ResponseOf<K extends OperationName> = Operations[K]["response"];

export class OperationError extends Error {
  readonly code: string;
  readonly fields: ApiError["fields"];

  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = "OperationError";
    this.code = error.code;
    this.fields = error.fields;
  }

  /** The message for one field of a form, if the core named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiError).code === "string" &&
    typeof (value as ApiError).message === "string" &&
    Array.isArray((value as ApiError).fields)
  );
}

/** Turns whatever the IPC layer threw into an OperationError. */
export function toOperationError(thrown: unknown): OperationError {
  if (thrown instanceof OperationError) return thrown;
  if (isApiError(thrown)) return new OperationError(thrown);
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new OperationError({ code: "ipc.failed", message, fields: [] });
}

export async function call<K extends OperationName>(
  name: K,
  request: RequestOf<K>,
): Promise<ResponseOf<K>> {
  try {
    return await invoke<ResponseOf<K>>(COMMANDS[name], { request });
  } catch (thrown) {
    throw toOperationError(thrown);
  }
}

/** Tells the core which language to write its messages in. */
export async function setCoreLanguage(lang: Lang): Promise<void> {
  await invoke("app_set_language", { lang });
}
