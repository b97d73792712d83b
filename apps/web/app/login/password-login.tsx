"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { WaitSubmit } from "../../src/components/auth/wait-submit";
import { Field } from "../../src/components/field";
import { FormAlert } from "../../src/components/form-alert";
import { PasswordField } from "../../src/components/password-field";
import { useLocale, useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { safeNext } from "../../src/i18n/locale";
import { loginMessages } from "../../src/i18n/login";
import { secondStepTicket, type SecondStepTicket } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { EmailConfirm } from "./email-confirm";
import { PasskeyLogin } from "./passkey-login";
import { useRefusal } from "./refusal";
import { SecondStep } from "./second-step";

export function PasswordLogin({ next, passkeys }: { next: string | null; passkeys: boolean }) {
  const t = useMessages(loginMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const login = api.auth.loginWithPassword.useMutation();
  const sendCode = api.auth.sendEmailVerification.useMutation();
  const refusal = useRefusal();
  const form = useRef<HTMLFormElement>(null);
  const [identifier, setIdentifier] = useState("");
  const [password, setPassword] = useState("");
  const [missing, setMissing] = useState<{ identifier?: boolean; password?: boolean; at?: object }>({});
  const [leaving, setLeaving] = useState(false);
  // Set once the person asked for a code to confirm the email that blocked the login.
  const [confirm, setConfirm] = useState<{ email: string; resendIn: number } | null>(null);
  // Set when the password was right and the account has a second factor.
  const [ticket, setTicket] = useState<SecondStepTicket | null>(null);
  useFocusInvalid(form, missing.at);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (login.isPending || leaving) return;
    refusal.clear();
    if (!identifier.trim() || !password) {
      setMissing({ identifier: !identifier.trim(), password: !password, at: {} });
      return;
    }
    setMissing({});
    try {
      await login.mutateAsync({ identifier, password, delivery: "cookie" });
      setLeaving(true);
      // A full load, so the server renders the next page with the new session cookie.
      window.location.assign(safeNext(next));
    } catch (err) {
      setTicket(secondStepTicket(err));
      refusal.fail(err);
    }
  }

  async function askForCode(email: string) {
    refusal.clear();
    try {
      const sent = await sendCode.mutateAsync({ email, locale });
      setConfirm({ email, resendIn: sent.resendIn });
    } catch (err) {
      const p = refusal.fail(err);
      // A code went out moments ago: it is still good, so go and type it in.
      // The refusal always says how long (retryAfterSec); without it the button is simply not held back.
      if (p.code === "RESEND_COOLDOWN") setConfirm({ email, resendIn: p.retryAfterSec ?? 0 });
    }
  }

  if (ticket) {
    const restart = () => {
      setTicket(null);
      setPassword("");
      refusal.clear();
    };
    return <SecondStep step={ticket} next={next} onRestart={restart} />;
  }
  if (confirm) return <EmailConfirm email={confirm.email} resendIn={confirm.resendIn} next={next} onBack={() => setConfirm(null)} />;

  const p = refusal.problem;
  const email = identifier.includes("@") ? identifier.trim() : null;
  const alert =
    p?.code === "INVALID_CREDENTIALS" ? t.badPassword
    : p?.code === "EMAIL_NOT_VERIFIED" ? (email ? t.notVerified : t.notVerifiedUseEmail)
    : p?.message;

  return (
    <>
      <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
        <Field
          label={t.identifier}
          name="identifier"
          // "webauthn": the browser may offer this site's passkeys here too (PasskeyLogin asks it to).
          autoComplete={passkeys ? "username webauthn" : "username"}
          autoCapitalize="none"
          spellCheck={false}
          required
          value={identifier}
          onChange={(e) => {
            setIdentifier(e.target.value);
            refusal.edited();
          }}
          error={missing.identifier ? c.required : null}
        />
        <PasswordField
          label={t.password}
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={missing.password ? c.required : null}
        />
        <div>
          <Link href="/forgot-password">{t.forgot}</Link>
        </div>
        <FormAlert>{alert}</FormAlert>
        {p?.code === "EMAIL_NOT_VERIFIED" && email ? (
          <button type="button" className="secondary" onClick={() => void askForCode(email)} disabled={sendCode.isPending}>
            {sendCode.isPending ? c.working : t.sendEmailCode}
          </button>
        ) : null}
        <WaitSubmit busy={login.isPending || leaving} busyLabel={c.working} waitUntil={refusal.waitUntil} waitLabel={refusal.waitLabel}>
          {t.submit}
        </WaitSubmit>
      </form>
      {/* The other way in from this tab, where the site can host one: a passkey, no username needed. */}
      {passkeys ? <PasskeyLogin next={next} /> : null}
    </>
  );
}
