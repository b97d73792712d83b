import type { Metadata } from "next";
import Link from "next/link";
import { pinMessages } from "../../src/i18n/pin";
import { serverLocale } from "../../src/i18n/server";
import { requireUser } from "../../src/server/session";
import { PinSetup } from "./pin-setup";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${pinMessages[await serverLocale()].pinTitle} · authsvc` };
}

/** `?reset=1` (from /unlock after a lockout) puts "reset with a code" first. */
export default async function PinPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const resetFirst = (await searchParams).reset === "1";
  const [user, locale] = await Promise.all([requireUser(resetFirst ? "/pin?reset=1" : "/pin"), serverLocale()]);
  const t = pinMessages[locale];
  return (
    <div className="stack auth-card">
      <h1>{t.pinTitle}</h1>
      <p>{t.pinIntro}</p>
      <PinSetup resetTo={user.email ?? user.phone ?? null} resetFirst={resetFirst} />
      <p>
        <Link href="/account">{t.backToAccount}</Link>
      </p>
    </div>
  );
}
