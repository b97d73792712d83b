import type { Metadata } from "next";
import Link from "next/link";
import { homeMessages } from "../src/i18n/home";
import { serverLocale } from "../src/i18n/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${homeMessages[await serverLocale()].notFoundTitle} · authsvc`, robots: { index: false } };
}

/**
 * Our own 404 (also what notFound() shows, e.g. the dev outbox to another machine): Next's
 * default one writes inline styles, which the pages' Content-Security-Policy refuses.
 */
export default async function NotFound() {
  const t = homeMessages[await serverLocale()];
  return (
    <div className="stack">
      <h1>{t.notFoundTitle}</h1>
      <p>{t.notFoundText}</p>
      <p>
        <Link href="/">{t.notFoundHome}</Link>
      </p>
    </div>
  );
}
