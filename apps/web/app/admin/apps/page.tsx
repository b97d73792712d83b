import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "../../../src/components/account/local-time";
import { FormAlert } from "../../../src/components/form-alert";
import { adminMessages } from "../../../src/i18n/admin";
import { adminAppsMessages } from "../../../src/i18n/admin-apps";
import { fill } from "../../../src/i18n/define";
import { serverLocale } from "../../../src/i18n/server";
import { requireUser, serverCaller } from "../../../src/server/session";
import { RevokeApp } from "./revoke-app";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${adminAppsMessages[await serverLocale()].title} · authsvc`, robots: { index: false } };
}

/** admin.oidcClients and admin.revokeOidcClient: the registered applications, and their revocation (with step-up). */
export default async function AdminAppsPage() {
  const [user, locale] = await Promise.all([requireUser("/admin/apps"), serverLocale()]);
  const t = adminAppsMessages[locale];
  const a = adminMessages[locale];
  const caller = await serverCaller();
  const clients = user.role === "admin" ? await caller.admin.oidcClients().catch(() => null) : null;
  if (!clients) {
    return (
      <div className="stack">
        <h1>{a.forbiddenTitle}</h1>
        <FormAlert kind="info">{a.forbiddenHelp}</FormAlert>
        <p>
          <Link href="/account">{a.forbiddenBack}</Link>
        </p>
      </div>
    );
  }
  const own = (await caller.security.factors()).factors;
  return (
    <div className="stack">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <p>{fill(t.discovery, { url: "/.well-known/openid-configuration" })}</p>
      <p>
        <Link href="/admin/audit">{t.auditLink}</Link>
      </p>
      {clients.length === 0 ? <p>{t.none}</p> : null}
      <ul className="stack" aria-label={t.title}>
        {clients.map((c) => (
          <li key={c.id} className="panel stack">
            <h2>{c.name}</h2>
            <dl>
              <dt>{t.clientId}</dt>
              <dd>
                <code>{c.id}</code>
              </dd>
              <dt>{t.kind}</dt>
              <dd>{t[`kind_${c.kind}`]}</dd>
              <dt>{t.redirects}</dt>
              <dd>
                {c.redirectUris.map((uri) => (
                  <div key={uri}>
                    <code>{uri}</code>
                  </div>
                ))}
              </dd>
              <dt>{t.created}</dt>
              <dd>
                <LocalTime at={c.createdAt} />
              </dd>
              <dt>{t.status}</dt>
              <dd>
                {c.revokedAt ? (
                  <>
                    {t.revokedAt} <LocalTime at={c.revokedAt} />
                  </>
                ) : (
                  t.active
                )}
              </dd>
            </dl>
            {c.revokedAt ? null : (
              <RevokeApp clientId={c.id} name={c.name} self={{ hasTotp: own.some((f) => f.kind === "totp"), hasPasskey: own.some((f) => f.kind === "passkey") }} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
