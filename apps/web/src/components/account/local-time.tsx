"use client";

import { useLocale } from "../../i18n/client";
import { useHydrated } from "../use-hydrated";

/**
 * A date in the page's language. The server does not know the reader's time zone, so its
 * HTML says UTC; once hydrated the browser shows its own local time.
 */
export function LocalTime({ at, seconds = false }: { at: number | string; seconds?: boolean }) {
  const locale = useLocale();
  const inBrowser = useHydrated();
  const date = new Date(at);
  const text = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    ...(seconds ? { second: "2-digit" } : {}),
    ...(inBrowser ? {} : { timeZone: "UTC", timeZoneName: "short" }),
  }).format(date);
  return <time dateTime={date.toISOString()}>{text}</time>;
}
