import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { firstParam, href } from "../../src/components/auth/links";
import { safeNext } from "../../src/i18n/locale";
import { loginMessages } from "../../src/i18n/login";
import { serverLocale } from "../../src/i18n/server";
import { currentUser, passkeysOffered } from "../../src/server/session";
import { LoginTabs } from "./login-tabs";
import { isMethod } from "./methods";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${loginMessages[await serverLocale()].title} · authsvc` };
}

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  const sp = await searchParams;
  const [method, next, fresh] = [firstParam(sp.method), firstParam(sp.next), firstParam(sp.fresh) === "1"];
  // `fresh`: an application asked for a new sign-in (OpenID prompt=login, max_age), so the form
  // is shown even to someone signed in; the new sign-in replaces the browser's session.
  if (!fresh && (await currentUser())) redirect(safeNext(next));
  const t = loginMessages[await serverLocale()];
  return (
    <div className="stack auth-card">
      <h1>{t.title}</h1>
      <LoginTabs initial={isMethod(method) ? method : "password"} next={next ?? null} passkeys={passkeysOffered()} />
      <p>
        {t.noAccount} <Link href={href("/signup", { next })}>{t.signup}</Link>
      </p>
    </div>
  );
}
