import Link from "next/link";
import mark from "../../app/icon.svg";
import { common } from "../i18n/common";
import type { Locale } from "../i18n/locale";
import { LanguageSwitch } from "./language-switch";
import { LogoutButton } from "./logout-button";

export function SiteHeader({
  locale,
  signedIn,
  admin,
  devOutbox,
}: {
  locale: Locale;
  signedIn: boolean;
  admin: boolean;
  devOutbox: boolean;
}) {
  const t = common[locale];
  return (
    <header className="site-header">
      <a href="#main" className="skip-link">
        {t.skipToContent}
      </a>
      <nav aria-label="Main">
        <Link href="/" className="brand">
          {/* The mark is the favicon's (app/icon.svg): one drawing for both. Decorative: the name follows. */}
          <img src={mark.src} alt="" width={28} height={28} />
          {t.appName}
        </Link>
        <ul>
          {signedIn ? (
            <>
              <li>
                <Link href="/account">{t.navAccount}</Link>
              </li>
              {admin ? (
                <li>
                  <Link href="/admin/audit">{t.navAdmin}</Link>
                </li>
              ) : null}
              <li>
                <LogoutButton />
              </li>
            </>
          ) : (
            <>
              <li>
                <Link href="/login">{t.navLogin}</Link>
              </li>
              <li>
                <Link href="/signup">{t.navSignup}</Link>
              </li>
            </>
          )}
          {devOutbox ? (
            <li>
              <Link href="/dev/outbox">{t.navOutbox}</Link>
            </li>
          ) : null}
          <li>
            <Link href="/docs/api">{t.navApiDocs}</Link>
          </li>
        </ul>
      </nav>
      <LanguageSwitch />
    </header>
  );
}
