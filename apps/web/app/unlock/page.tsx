import type { Metadata } from "next";
import { LogoutButton } from "../../src/components/logout-button";
import { readableContact } from "../../src/components/readable-contact";
import { fill } from "../../src/i18n/define";
import { safeNext } from "../../src/i18n/locale";
import { pinMessages } from "../../src/i18n/pin";
import { serverLocale } from "../../src/i18n/server";
import { requireUser } from "../../src/server/session";
import { UnlockForm } from "./unlock-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${pinMessages[await serverLocale()].unlockTitle} · authsvc` };
}

export default async function UnlockPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).next;
  const next = safeNext(typeof raw === "string" ? raw : undefined);
  // Signed out: log in, and come back here, as to every private page (then on to `next`).
  const here = raw === undefined ? "/unlock" : `/unlock?next=${encodeURIComponent(next)}`;
  const [user, locale] = await Promise.all([requireUser(here), serverLocale()]);
  const t = pinMessages[locale];
  const name = user.fullName || user.username || user.email || (user.phone ? readableContact(user.phone) : "");
  return (
    <div className="stack auth-card">
      <h1>{t.unlockTitle}</h1>
      <p>{fill(t.unlockIntro, { name })}</p>
      <UnlockForm next={next} />
      <p className="resend">
        <span>{t.notYou}</span>
        <LogoutButton />
      </p>
    </div>
  );
}
