export { isLocale, LOCALE_COOKIE, LOCALES, pickLocale, type Locale } from "@authsvc/core/vocabulary";

/** Any origin of ours would do: only "is it still this one?" is asked. */
const SITE = "http://site.invalid";

/**
 * Same-site destinations only, so `?next=` can never send someone to another site. Checks
 * of the raw string miss what browsers forgive (`/\t/evil` loses its tab and becomes
 * `//evil`); parsed as a browser would parse it, a destination is kept only if it stays on
 * the site, and what is kept is the parsed path, which a browser reads the same way again.
 */
export function safeNext(next: string | null | undefined, fallback = "/account"): string {
  if (!next) return fallback;
  let url: URL;
  try {
    url = new URL(next, SITE);
  } catch {
    return fallback;
  }
  if (url.origin !== SITE) return fallback;
  const kept = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil" resolves to the path "//evil", which on its own would name another host.
  if (!kept.startsWith("/") || kept.startsWith("//")) return fallback;
  return kept;
}
