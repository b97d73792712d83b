"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { common } from "../i18n/common";
import { useLocale, useMessages } from "../i18n/client";
import { LOCALE_COOKIE, type Locale } from "../i18n/locale";

/** Remembers the choice for a year; the server renders every page in it from then on. */
export function LanguageSwitch() {
  const t = useMessages(common);
  const current = useLocale();
  const router = useRouter();
  const [pending, start] = useTransition();
  const choose = (locale: Locale) => {
    document.cookie = `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax`;
    start(() => router.refresh());
  };
  return (
    <div role="group" aria-label={t.language} className="language-switch" aria-busy={pending || undefined}>
      {(["en", "id"] as const).map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={current === l} onClick={() => choose(l)}>
          {/* A phone shows the short code; the name stays the button's name for everyone. */}
          <span className="language-long">{l === "en" ? t.english : t.indonesian}</span>
          <span className="language-short" aria-hidden="true">
            {l.toUpperCase()}
          </span>
        </button>
      ))}
    </div>
  );
}
