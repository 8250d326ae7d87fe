import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { setCoreLanguage, type Lang } from "../api";
import { en } from "./en";
import { zhCN, type Messages } from "./zh-CN";

export const MESSAGES: Record<Lang, Messages> = { "zh-CN": zhCN, en };
const STORAGE_KEY = "redress.lang";

export function initialLang(): Lang {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === "en" || saved === "zh-CN" ? saved : "zh-CN";
}

interface I18n {
  lang: Lang;
  m: Messages;
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  }, []);
  // The page and the core follow the chosen language, from the first render on: the core
  // writes its error messages in it.
  useEffect(() => {
    document.documentElement.lang = lang;
    setCoreLanguage(lang).catch(() => undefined);
  }, [lang]);
  const value = useMemo(() => ({ lang, m: MESSAGES[lang], setLang }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}
