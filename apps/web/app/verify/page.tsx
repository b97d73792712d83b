import type { Metadata } from "next";
import Link from "next/link";
import { firstParam, href } from "../../src/components/auth/links";
import { serverLocale } from "../../src/i18n/server";
import { verifyMessages } from "../../src/i18n/signup";
import { serverCaller } from "../../src/server/session";
import { VerifyRegistration } from "./verify-registration";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${verifyMessages[await serverLocale()].title} · authsvc` };
}

/**
 * The wait before a new code, as the service counts it now: a reload or an old link shows the
 * real one. Unknown, expired or verified ids wait for nothing; the screen says what happened.
 */
async function resendInFor(verificationId: string): Promise<number> {
  try {
    const status = await (await serverCaller()).auth.registrationStatus({ verificationId });
    return status.state === "pending" ? status.resendIn : 0;
  } catch {
    return 0;
  }
}

export default async function VerifyPage({ searchParams }: PageProps<"/verify">) {
  const sp = await searchParams;
  const [id, email, next] = [firstParam(sp.id), firstParam(sp.email), firstParam(sp.next)];
  const [resendIn, locale] = await Promise.all([id ? resendInFor(id) : 0, serverLocale()]);
  const t = verifyMessages[locale];
  return (
    <div className="stack auth-card">
      <h1>{t.title}</h1>
      {id ? (
        <VerifyRegistration
          initialId={id}
          email={email ?? null}
          next={next ?? null}
          resendIn={resendIn}
        />
      ) : (
        <div className="alert alert-info">
          {t.missing} <Link href={href("/signup", { next })}>{t.signupAgain}</Link>
        </div>
      )}
    </div>
  );
}
