"use client";

import { useSyncExternalStore } from "react";
import { useLocale } from "../../i18n/client";

const noSubscribe = () => () => {};

/**
 * A date in the page's language. The server does not know the reader's time zone, so its
 * HTML says UTC; once hydrated the browser shows its own local time.
 */
export function LocalTime({ at }: { at: number | string }) {
  const locale = useLocale();
  const inBrowser = useSyncExternalStore(noSubscribe, () => true, () => false);
  const date = new Date(at);
  const text = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    ...(inBrowser ? {} : { timeZone: "UTC", timeZoneName: "short" }),
  }).format(date);
  return <time dateTime={date.toISOString()}>{text}</time>;
}
