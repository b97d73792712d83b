import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { firstParam, href } from "../../src/components/auth/links";
import { safeNext } from "../../src/i18n/locale";
import { serverLocale } from "../../src/i18n/server";
import { signupMessages } from "../../src/i18n/signup";
import { currentUser } from "../../src/server/session";
import { SignupForm } from "./signup-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${signupMessages[await serverLocale()].title} · authsvc` };
}

export default async function SignupPage({ searchParams }: PageProps<"/signup">) {
  const next = firstParam((await searchParams).next);
  if (await currentUser()) redirect(safeNext(next));
  const t = signupMessages[await serverLocale()];
  return (
    <div className="stack auth-card">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <SignupForm next={next ?? null} />
      <p>
        {t.haveAccount} <Link href={href("/login", { next })}>{t.login}</Link>
      </p>
    </div>
  );
}
