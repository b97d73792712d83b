import type { Metadata } from "next";
import Link from "next/link";
import { LogoutButton } from "../../src/components/logout-button";
import { accountMessages } from "../../src/i18n/account";
import { serverLocale } from "../../src/i18n/server";
import { passkeysOffered, requireUser, serverCaller } from "../../src/server/session";
import styles from "./account.module.css";
import { Profile } from "./profile";
import { SecondFactors } from "./second-factors";
import { Sessions } from "./sessions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${accountMessages[await serverLocale()].title} · authsvc` };
}

export default async function AccountPage() {
  const [user, locale] = await Promise.all([requireUser("/account"), serverLocale()]);
  const caller = await serverCaller();
  const [sessions, factors] = await Promise.all([caller.session.list(), caller.security.factors()]);
  const t = accountMessages[locale];
  return (
    <div className="stack">
      <h1>{t.title}</h1>

      <section aria-labelledby="profile-title" className="panel">
        <h2 id="profile-title">{t.profile}</h2>
        <Profile
          user={{
            fullName: user.fullName,
            username: user.username,
            email: user.email,
            emailVerified: user.emailVerified,
            phone: user.phone,
            phoneVerified: user.phoneVerified,
          }}
        />
      </section>

      <section aria-labelledby="numbers-title" className="panel">
        <h2 id="numbers-title">{t.numbers}</h2>
        <p>{t.numbersIntro}</p>
        <dl className={`facts ${styles.numbers}`}>
          <dt>{t.customerId}</dt>
          <dd>{user.customerId}</dd>
          <dt>{t.accountNumber}</dt>
          <dd>{user.accountNumber}</dd>
        </dl>
      </section>

      <section aria-labelledby="pin-title" className="panel">
        <h2 id="pin-title">{t.security}</h2>
        <ul>
          <li>
            <Link href="/pin">{t.pinLink}</Link>
          </li>
          <li>
            <Link href="/unlock?next=%2Faccount">{t.unlockLink}</Link>
          </li>
        </ul>
      </section>

      <section aria-labelledby="factors-title" className="panel">
        <h2 id="factors-title">{t.factorsTitle}</h2>
        <SecondFactors initial={factors} passkeys={passkeysOffered()} />
      </section>

      <section aria-labelledby="sessions-title" className="panel">
        <h2 id="sessions-title">{t.sessions}</h2>
        <p>{t.sessionsIntro}</p>
        <Sessions
          initial={sessions}
          hasTotp={factors.factors.some((f) => f.kind === "totp")}
          hasPasskey={factors.factors.some((f) => f.kind === "passkey")}
        />
      </section>

      <p>
        <LogoutButton />
      </p>
    </div>
  );
}
