import Link from "next/link";
import { homeMessages } from "../src/i18n/home";
import { serverLocale } from "../src/i18n/server";
import { currentUser, devOutboxShown } from "../src/server/session";

export default async function Home() {
  const [locale, user, outbox] = await Promise.all([serverLocale(), currentUser(), devOutboxShown()]);
  const t = homeMessages[locale];
  return (
    <div className="stack">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {user ? (
        <p>
          <Link href="/account">{t.account}</Link>
        </p>
      ) : (
        <p className="resend">
          <Link href="/signup">{t.signup}</Link>
          <Link href="/login">{t.login}</Link>
        </p>
      )}
      {outbox ? (
        <p className="muted">
          <Link href="/dev/outbox">{t.outbox}</Link>
        </p>
      ) : null}
      <p className="muted">
        <Link href="/docs/api">{t.developers}</Link>
      </p>
    </div>
  );
}
