"use client";

import { useRef, useState, type FormEvent } from "react";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { WaitSubmit } from "../../src/components/auth/wait-submit";
import { CodeEntry } from "../../src/components/code-entry";
import { Field } from "../../src/components/field";
import { FormAlert } from "../../src/components/form-alert";
import { useLocale, useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { safeNext } from "../../src/i18n/locale";
import { loginMessages } from "../../src/i18n/login";
import { secondStepTicket, type SecondStepTicket } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { ClaimMoved } from "./claim-moved";
import { SecondStep } from "./second-step";
import { useRefusal } from "./refusal";

/** Find-or-create by phone: the number gets a code by SMS, and the code signs in. */
export function PhoneLogin({ next }: { next: string | null }) {
  const t = useMessages(loginMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const request = api.auth.requestPhoneCode.useMutation();
  const login = api.auth.loginWithPhoneCode.useMutation();
  const refusal = useRefusal();
  const form = useRef<HTMLFormElement>(null);
  const [phone, setPhone] = useState("");
  const [missing, setMissing] = useState<object | null>(null);
  const [sent, setSent] = useState<{ phone: string; resendIn: number } | null>(null);
  // Back from the code step, the number field takes focus again.
  const [returned, setReturned] = useState(false);
  // The code moved this number off an account that had not verified it: say so before going on.
  const [moved, setMoved] = useState<"phone" | "email" | null>(null);
  // Set when the code was right and the account has a second factor.
  const [ticket, setTicket] = useState<SecondStepTicket | null>(null);
  useFocusInvalid(form, missing ?? refusal.problem);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (request.isPending) return;
    refusal.clear();
    if (!phone.trim()) {
      setMissing({});
      return;
    }
    setMissing(null);
    try {
      const r = await request.mutateAsync({ phone, locale });
      setSent({ phone: r.phone, resendIn: r.resendIn });
    } catch (err) {
      const p = refusal.fail(err);
      // A code went out moments ago and still works: go and type it in.
      if (p.code === "RESEND_COOLDOWN") setSent({ phone: phone.trim(), resendIn: p.retryAfterSec ?? 0 });
    }
  }

  if (moved) return <ClaimMoved what={moved} next={next} />;
  if (ticket) {
    const restart = () => {
      setTicket(null);
      setSent(null);
    };
    return <SecondStep step={ticket} next={next} onRestart={restart} />;
  }

  if (sent) {
    return (
      <div className="stack">
        <CodeEntry
          destination={sent.phone}
          resendIn={sent.resendIn}
          submitLabel={t.submit}
          onVerify={async (code) => {
            const signedIn = await login.mutateAsync({ phone: sent.phone, code, delivery: "cookie" }).catch((err: unknown) => {
              setTicket(secondStepTicket(err));
              throw err;
            });
            if (signedIn.claimMoved) setMoved(signedIn.claimMoved);
            else window.location.assign(safeNext(next));
          }}
          onResend={async () => (await request.mutateAsync({ phone: sent.phone, locale })).resendIn}
        />
        <p>
          <button
            type="button"
            className="link"
            onClick={() => {
              refusal.clear();
              setSent(null);
              setReturned(true);
            }}
          >
            {t.otherNumber}
          </button>
        </p>
      </div>
    );
  }

  const p = refusal.problem;
  const fieldError = missing ? c.required : p?.code === "INVALID_PHONE" || p?.fields.phone ? c.INVALID_PHONE : null;
  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      <p>{t.phoneNew}</p>
      <p>{t.phoneUnverified}</p>
      <Field
        label={t.phone}
        name="phone"
        type="tel"
        autoComplete="tel"
        required
        autoFocus={returned}
        value={phone}
        onChange={(e) => {
          setPhone(e.target.value);
          refusal.edited();
        }}
        hint={t.phoneHint}
        error={fieldError}
      />
      <FormAlert>{fieldError || p?.code === "RESEND_COOLDOWN" ? null : p?.message}</FormAlert>
      <WaitSubmit busy={request.isPending} busyLabel={c.working} waitUntil={refusal.waitUntil} waitLabel={refusal.waitLabel}>
        {t.sendCode}
      </WaitSubmit>
    </form>
  );
}
