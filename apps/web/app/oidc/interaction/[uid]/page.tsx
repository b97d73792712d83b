import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { fill } from "../../../../src/i18n/define";
import { oidcMessages } from "../../../../src/i18n/oidc";
import { serverLocale } from "../../../../src/i18n/server";
import { serverBridge } from "../../../../src/server/bridge";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${oidcMessages[await serverLocale()].signIn} · authsvc`, robots: { index: false } };
}

type Scope = "openid" | "profile" | "email" | "phone" | "offline_access";

/**
 * An application's sign-in ("sign in with ...") and consent. Signed out: our own sign-in page
 * (every method, passkeys and the second step included), which comes back here. Signed in:
 * one button to go on as that person, then the consent. The buttons are plain forms, answered
 * by the provider (packages/oidc), where the interaction's cookie is.
 */
export default async function OidcInteractionPage({ params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  const [view, locale] = await Promise.all([serverBridge().oidcInteraction(await headers(), uid), serverLocale()]);
  const t = oidcMessages[locale];
  if (!view) {
    return (
      <div className="stack auth-card">
        <h1>{t.gone}</h1>
        <p>{t.goneText}</p>
      </div>
    );
  }
  const here = `/oidc/interaction/${encodeURIComponent(view.uid)}`;
  const app = view.client.name;
  const cancel = (
    <form method="post" action={`${here}/abort`}>
      <button type="submit" className="link">
        {t.cancel}
      </button>
    </form>
  );
  const who = view.signedIn;

  if (view.prompt === "login") {
    const login = `/login?next=${encodeURIComponent(here)}`;
    return (
      <div className="stack auth-card">
        <h1>{fill(t.loginTitle, { app })}</h1>
        {!who && (
          <>
            <p>{fill(t.loginIntro, { app })}</p>
            <Link className="button" href={login}>
              {t.signIn}
            </Link>
          </>
        )}
        {who && !who.sameAccount && (
          <>
            <p>{t.otherAccount}</p>
            <Link className="button" href={`${login}&fresh=1`}>
              {t.signInAgain}
            </Link>
          </>
        )}
        {who && who.sameAccount && !who.fresh && (
          <>
            <p>{fill(t.freshNeeded, { app, name: who.label })}</p>
            <Link className="button" href={`${login}&fresh=1`}>
              {t.signInAgain}
            </Link>
          </>
        )}
        {who && who.sameAccount && who.fresh && (
          <>
            <p>{fill(t.loginIntro, { app })}</p>
            <form method="post" action={`${here}/login`}>
              <button type="submit" className="primary">
                {fill(t.continueAs, { name: who.label })}
              </button>
            </form>
            <p>
              <Link href={`${login}&fresh=1`}>{t.otherAccountLink}</Link>
            </p>
          </>
        )}
        {cancel}
      </div>
    );
  }

  return (
    <div className="stack auth-card">
      <h1>{fill(t.consentTitle, { app })}</h1>
      {who && <p>{fill(t.signedInAs, { name: who.label })}</p>}
      <p>{fill(t.consentIntro, { app })}</p>
      <ul>
        {view.scopes.map((scope) => (
          <li key={scope}>{t[`scope_${scope as Scope}`]}</li>
        ))}
      </ul>
      <div className="resend">
        <form method="post" action={`${here}/confirm`}>
          <button type="submit" className="primary">
            {t.allow}
          </button>
        </form>
        <form method="post" action={`${here}/abort`}>
          <button type="submit" className="secondary">
            {t.deny}
          </button>
        </form>
      </div>
    </div>
  );
}
