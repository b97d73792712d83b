import type { Metadata } from "next";
import { LogoutButton } from "../../src/components/logout-button";
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
  // Without a session there is nothing to unlock: log in, then go straight on to `next`.
  const [user, locale] = await Promise.all([requireUser(next), serverLocale()]);
  const t = pinMessages[locale];
  const name = user.fullName || user.username || user.email || user.phone || "";
  return (
    <div className="stack">
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
