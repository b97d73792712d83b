export const LOCALES = ["en", "id"] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_COOKIE = "lang";

export const isLocale = (v: unknown): v is Locale => v === "en" || v === "id";

/** The switch's choice (cookie) first, then the browser's language order. */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(cookie)) return cookie;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { lang: tag.split("-")[0], q: q ? Number(q.split("=")[1]) : 1 };
    })
    .filter((x) => x.lang && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q);
  for (const { lang } of ranked) {
    if (lang === "id" || lang === "in" || lang === "ms") return "id";
    if (lang === "en") return "en";
  }
  return "en";
}

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
