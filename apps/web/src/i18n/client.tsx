"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Locale } from "./locale";

const LocaleContext = createContext<Locale>("en");

export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export const useLocale = (): Locale => useContext(LocaleContext);

/** A screen's messages in the current language. */
export function useMessages<M>(dict: Record<Locale, M>): M {
  return dict[useLocale()];
}
