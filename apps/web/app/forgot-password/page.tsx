import type { Metadata } from "next";
import { resetMessages } from "../../src/i18n/reset";
import { serverLocale } from "../../src/i18n/server";
import { ForgotPassword } from "./forgot-password";

export async function generateMetadata(): Promise<Metadata> {
  return { title: `${resetMessages[await serverLocale()].forgotTitle} · authsvc` };
}

export default async function ForgotPasswordPage() {
  const t = resetMessages[await serverLocale()];
  return (
    <div className="stack auth-card">
      <h1>{t.forgotTitle}</h1>
      <ForgotPassword />
    </div>
  );
}
