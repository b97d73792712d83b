import type { Metadata } from "next";
import Link from "next/link";
import { firstParam, href } from "../../src/components/auth/links";
import { serverLocale } from "../../src/i18n/server";
import { verifyMessages } from "../../src/i18n/signup";
import { VerifyRegistration } from "./verify-registration";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${verifyMessages[await serverLocale()].title} · authsvc` };
}

/** The cooldown the service starts with after a sign-up, when the link does not say. */
const DEFAULT_RESEND_IN = 60;
const MAX_RESEND_IN = 15 * 60;

export default async function VerifyPage({ searchParams }: PageProps<"/verify">) {
  const sp = await searchParams;
  const [id, email, next] = [firstParam(sp.id), firstParam(sp.email), firstParam(sp.next)];
  // An instant rather than a duration, so a reload or an old link does not restart the wait.
  const resendAt = Number(firstParam(sp.resendAt));
  const resendIn = Number.isFinite(resendAt) ? Math.ceil((resendAt - Date.now()) / 1000) : DEFAULT_RESEND_IN;
  const t = verifyMessages[await serverLocale()];
  return (
    <div className="stack">
      <h1>{t.title}</h1>
      {id ? (
        <VerifyRegistration
          initialId={id}
          email={email ?? null}
          next={next ?? null}
          // A hand-edited link must not hide the resend button for hours.
          resendIn={Math.min(Math.max(resendIn, 0), MAX_RESEND_IN)}
        />
      ) : (
        <div className="alert alert-info">
          {t.missing} <Link href={href("/signup", { next })}>{t.signupAgain}</Link>
        </div>
      )}
    </div>
  );
}
