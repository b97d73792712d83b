import type { Metadata } from "next";
import Link from "next/link";
import { resetMessages } from "../../src/i18n/reset";
import { serverLocale } from "../../src/i18n/server";
import { serverCaller } from "../../src/server/session";
import { ResetWithLink } from "./reset-with-link";

export async function generateMetadata(): Promise<Metadata> {
  // The token is in this page's address: never send it on to another site.
  return { title: `${resetMessages[await serverLocale()].linkTitle} · authsvc`, referrer: "no-referrer" };
}

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [params, locale] = await Promise.all([searchParams, serverLocale()]);
  const t = resetMessages[locale];
  const token = typeof params.token === "string" ? params.token.trim() : "";
  // A used or expired link is said at once, with no form to fill in for nothing.
  const usable = token.length > 0 && token.length <= 256 && (await (await serverCaller()).auth.resetLinkStatus({ token })).usable;
  return (
    <div className="stack auth-card">
      <h1>{t.linkTitle}</h1>
      {usable ? (
        <ResetWithLink token={token} />
      ) : (
        <>
          <div className="alert alert-error">{token ? t.linkInvalid : t.linkMissing}</div>
          <p>
            <Link href="/forgot-password">{t.askAgain}</Link>
          </p>
        </>
      )}
    </div>
  );
}
