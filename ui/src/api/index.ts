// The one door from the UI to Rust: every call names an operation and gets its typed
// response, or throws an OperationError carrying the core's {code, message, fields}.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";

import {
  COMMANDS,
  type ApiError,
  type AuthStatus,
  type GeneratedPdf,
  type Lang,
  type Operations,
  type Restored,
  type SessionView,
  type SetupRequest,
  type SignInRequest,
  type UnlockRequest,
} from "./bindings";

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

/** Errors that mean the session is gone or locked: the session screen takes over. */
const SESSION_CODES = new Set(["auth.required", "auth.session_locked", "auth.password_change_required"]);
const sessionListeners = new Set<(code: string) => void>();

/** Called with the code whenever a call finds the session gone, locked or gated. */
export function onSessionLost(listener: (code: string) => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

async function invokeTyped<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (thrown) {
    const error = toOperationError(thrown);
    if (SESSION_CODES.has(error.code)) sessionListeners.forEach((l) => l(error.code));
    throw error;
  }
}

export async function call<K extends OperationName>(
  name: K,
  request: RequestOf<K>,
): Promise<ResponseOf<K>> {
  return invokeTyped<ResponseOf<K>>(COMMANDS[name], { request });
}

/** The session, kept by the shell: status, first administrator, sign in/out, idle lock. */
export const session = {
  status: () => invokeTyped<AuthStatus>("auth_status"),
  setup: (request: SetupRequest) => invokeTyped<SessionView>("auth_setup", { request }),
  signIn: (request: SignInRequest) => invokeTyped<SessionView>("auth_sign_in", { request }),
  signOut: () => invokeTyped<void>("auth_sign_out"),
  unlock: (request: UnlockRequest) => invokeTyped<SessionView>("auth_unlock", { request }),
  touch: () => invokeTyped<void>("auth_touch"),
};

/** Backups: the restore replaces the open database, so it is the shell's, not an operation. */
export const backups = {
  restore: (path: string) => invokeTyped<Restored>("backup_restore", { request: { path } }),
};

/** Tells the core which language to write its messages in. */
export async function setCoreLanguage(lang: Lang): Promise<void> {
  await invoke("app_set_language", { lang });
}

/** A path as typed or pasted: Windows Explorer's "Copy as path" wraps it in quotes. */
export function unquotePath(text: string): string {
  const t = text.trim();
  return t.length >= 2 && /^(["'])[\s\S]*\1$/.test(t) ? t.slice(1, -1).trim() : t;
}

/** The native dialogs, opened by the shell: only paths a person picked reach the core. */
export const dialogs = {
  /** Several files; none if cancelled. */
  pickFiles: (title: string) => invokeTyped<string[]>("dialog_pick_files", { title }),
  /** One folder, or null if cancelled. */
  pickFolder: (title: string) => invokeTyped<string | null>("dialog_pick_folder", { title }),
  /** One spreadsheet to import (.xlsx, .xls, .csv), or null if cancelled. */
  pickSpreadsheet: (title: string) => invokeTyped<string | null>("dialog_pick_spreadsheet", { title }),
  /** Where to write an export (.xlsx or .csv, by the suggested name), or null if cancelled. */
  saveSpreadsheet: (title: string, fileName: string) =>
    invokeTyped<string | null>("dialog_save_spreadsheet", { title, fileName }),
  /**
   * Where to write a JSON file (a consumer's personal data), or null if cancelled. The shell's
   * "save as" dialog for exports, given a `.json` name.
   */
  saveJson: (title: string, fileName: string) =>
    invokeTyped<string | null>("dialog_save_spreadsheet", { title, fileName }),
  /** One sync bundle to import (.redress-bundle), or null if cancelled. */
  pickBundle: (title: string) => invokeTyped<string | null>("dialog_pick_bundle", { title }),
  /** Where to write a sync bundle (.redress-bundle, by the suggested name), or null if cancelled. */
  saveBundle: (title: string, fileName: string) =>
    invokeTyped<string | null>("dialog_save_bundle", { title, fileName }),
  /** Writes text (UTF-8 with a byte-order mark) where the person picks; the path, or null. */
  saveText: (title: string, fileName: string, text: string) =>
    invokeTyped<string | null>("text_save", { title, fileName, text }),
};

/** The URL the page shows a stored evidence file at (served by the shell, by byte ranges). */
export function evidenceUrl(id: string): string {
  return convertFileSrc(id, "evidence");
}

/** A generated PDF: saved where the person picks (native dialog), or opened to print. */
export const documentFiles = {
  /** The path written, or null if the dialog was cancelled. */
  save: (pdf: GeneratedPdf, title: string) =>
    invokeTyped<string | null>("document_save", { fileName: pdf.file_name, data: pdf.data, title }),
  /** Opens it in the system's PDF viewer (which prints); the temporary file's path. */
  print: (pdf: GeneratedPdf) => invokeTyped<string>("document_print", { fileName: pdf.file_name, data: pdf.data }),
};
