import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { firstParam, href } from "../../../src/components/auth/links";
import { safeNext } from "../../../src/i18n/locale";
import { serverLocale } from "../../../src/i18n/server";
import { phoneStepMessages } from "../../../src/i18n/signup";
import { requireUser } from "../../../src/server/session";
import { PhoneStep } from "./phone-step";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${phoneStepMessages[await serverLocale()].title} · authsvc` };
}

/**
 * The sign-up's second code: right after the email's, the phone given at sign-up is proven
 * here, or left for later (the account page then shows it unverified, with a way to verify it).
 * Nothing to do (no phone, or already verified): straight on.
 */
export default async function VerifyPhonePage({ searchParams }: PageProps<"/verify/phone">) {
  const next = firstParam((await searchParams).next) ?? null;
  const [user, locale] = await Promise.all([requireUser(href("/verify/phone", { next })), serverLocale()]);
  if (!user.phone || user.phoneVerified) redirect(safeNext(next));
  const t = phoneStepMessages[locale];
  return (
    <div className="stack auth-card">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <PhoneStep phone={user.phone} next={next} />
    </div>
  );
}
