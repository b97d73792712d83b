"use client";

import { useRef, useState, type FormEvent } from "react";
import { isCodeShape } from "@authsvc/core/vocabulary";
import { WaitSubmit } from "../../src/components/auth/wait-submit";
import { askPasskey } from "../../src/components/passkeys";
import { Field } from "../../src/components/field";
import { FormAlert } from "../../src/components/form-alert";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { safeNext } from "../../src/i18n/locale";
import { loginMessages } from "../../src/i18n/login";
import type { SecondStepTicket } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { useRefusal } from "./refusal";

/** The second step of a sign-in: a passkey, a code from the authenticator app, or a recovery code. */
export function SecondStep({ step: { ticket, factors }, next, onRestart }: { step: SecondStepTicket; next: string | null; onRestart(): void }) {
  const t = useMessages(loginMessages);
  const c = useMessages(common);
  const step = api.auth.secondStep.useMutation();
  const passkeyOptions = api.auth.secondStepPasskeyOptions.useMutation();
  const refusal = useRefusal();
  const form = useRef<HTMLFormElement>(null);
  // Without an authenticator app (passkeys only), the typed way in is a recovery code.
  const [recovery, setRecovery] = useState(!factors.includes("totp"));
  const [value, setValue] = useState("");
  const [invalid, setInvalid] = useState<{ message?: string; at?: object }>({});
  const [leaving, setLeaving] = useState(false);
  useFocusInvalid(form, invalid.at);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (step.isPending || leaving) return;
    refusal.clear();
    const typed = value.trim();
    const problem = !typed ? c.required : !recovery && !isCodeShape(typed) ? t.authenticatorFormat : undefined;
    if (problem) {
      setInvalid({ message: problem, at: {} });
      return;
    }
    setInvalid({});
    try {
      await step.mutateAsync(recovery ? { ticket, recoveryCode: typed, delivery: "cookie" } : { ticket, totp: typed, delivery: "cookie" });
      setLeaving(true);
      window.location.assign(safeNext(next));
    } catch (err) {
      refusal.fail(err);
    }
  }

  async function withPasskey() {
    if (step.isPending || leaving) return;
    refusal.clear();
    try {
      const { ceremonyId, options } = await passkeyOptions.mutateAsync({ ticket, delivery: "cookie" });
      const response = await askPasskey(options);
      if (!response) return;
      await step.mutateAsync({ ticket, passkey: { ceremonyId, response }, delivery: "cookie" });
      setLeaving(true);
      window.location.assign(safeNext(next));
    } catch (err) {
      refusal.fail(err);
    }
  }

  const expired = refusal.problem?.code === "SECOND_STEP_EXPIRED";
  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack" aria-labelledby="second-step-title">
      <h2 id="second-step-title">{t.secondStepTitle}</h2>
      {factors.includes("passkey") && !expired ? (
        <button type="button" className="primary" onClick={() => void withPasskey()} disabled={passkeyOptions.isPending || step.isPending || leaving}>
          {t.usePasskey}
        </button>
      ) : null}
      <p>{recovery ? t.secondStepRecoveryIntro : t.secondStepIntro}</p>
      <Field
        key={recovery ? "recovery" : "totp"}
        label={recovery ? t.recoveryCode : t.authenticatorCode}
        name={recovery ? "recoveryCode" : "totp"}
        autoComplete="one-time-code"
        inputMode={recovery ? "text" : "numeric"}
        autoCapitalize={recovery ? "characters" : "none"}
        spellCheck={false}
        required
        autoFocus
        value={value}
        onChange={(e) => setValue(e.target.value)}
        error={invalid.message ?? null}
      />
      <FormAlert>{refusal.problem?.message}</FormAlert>
      {expired ? (
        <button type="button" onClick={onRestart}>
          {t.signInAgain}
        </button>
      ) : (
        <WaitSubmit busy={step.isPending || leaving} busyLabel={c.working} waitUntil={refusal.waitUntil} waitLabel={refusal.waitLabel}>
          {t.secondStepSubmit}
        </WaitSubmit>
      )}
      {factors.includes("totp") ? (
      <p>
        <button
          type="button"
          className="link"
          onClick={() => {
            setRecovery(!recovery);
            setValue("");
            setInvalid({});
            refusal.clear();
          }}
        >
          {recovery ? t.useAuthenticator : t.useRecoveryCode}
        </button>
      </p>
      ) : null}
    </form>
  );
}
