// The configurable channel and category lists (codes.list), loaded once per sign-in and
// reloaded when an administrator edits them. Labels and definitions come from the core, in the
// language the user reads.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { call, type CodeEntry, type CodeList, type CodeLists } from "./api";
import { useI18n } from "./i18n";

interface Codes {
  /** Every entry, retired ones included (they label old cases), in list order. */
  lists: CodeLists;
  /** The entries to offer in a form: active ones only. */
  active: (list: CodeList) => CodeEntry[];
  label: (list: CodeList, code: string) => string;
  definition: (list: CodeList, code: string) => string;
  reload: () => Promise<void>;
}

const EMPTY: CodeLists = { channels: [], categories: [] };
const CodesContext = createContext<Codes | null>(null);

export function entriesOf(lists: CodeLists, list: CodeList): CodeEntry[] {
  return list === "channel" ? lists.channels : lists.categories;
}

export function CodesProvider({ children, initial }: { children: ReactNode; initial?: CodeLists }) {
  const { lang } = useI18n();
  const [lists, setLists] = useState<CodeLists>(initial ?? EMPTY);
  const reload = useCallback(async () => {
    setLists(await call("codes.list", {}));
  }, []);
  useEffect(() => {
    if (initial) return;
    let live = true;
    call("codes.list", {})
      .then((l) => live && setLists(l))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [initial]);

  const value = useMemo<Codes>(() => {
    const find = (list: CodeList, code: string) => entriesOf(lists, list).find((e) => e.code === code);
    return {
      lists,
      active: (list) => entriesOf(lists, list).filter((e) => e.active),
      label: (list, code) => {
        const e = find(list, code);
        return e ? (lang === "zh-CN" ? e.label_zh : e.label_en) : code;
      },
      definition: (list, code) => {
        const e = find(list, code);
        return e ? (lang === "zh-CN" ? e.definition_zh : e.definition_en) : "";
      },
      reload,
    };
  }, [lists, lang, reload]);
  return <CodesContext.Provider value={value}>{children}</CodesContext.Provider>;
}

export function useCodes(): Codes {
  const ctx = useContext(CodesContext);
  if (!ctx) throw new Error("useCodes outside CodesProvider");
  return ctx;
}
