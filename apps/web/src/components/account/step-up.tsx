"use client";

import Link from "next/link";
import { isCodeShape } from "@authsvc/core/vocabulary";
import { useState, type FormEvent } from "react";
import { accountMessages } from "../../i18n/account";
import { useMessages } from "../../i18n/client";
import { common } from "../../i18n/common";
import { loginMessages } from "../../i18n/login";
import { toProblem, type ApiProblem } from "../../trpc/errors";
import { api } from "../../trpc/react";
import { Field } from "../field";
import { FormAlert } from "../form-alert";
import { askPasskey } from "../passkeys";
import { PasswordField } from "../password-field";
import { SubmitButton } from "../submit-button";

/** A fresh proof on this session: the password, or a code from the authenticator app. */
export function StepUp({ hasTotp, hasPasskey = false, onProved, onCancel }: { hasTotp: boolean; hasPasskey?: boolean; onProved(): void; onCancel(): void }) {
  const t = useMessages(accountMessages);
  const l = useMessages(loginMessages);
  const c = useMessages(common);
  const stepUp = api.security.stepUp.useMutation();
  const passkeyOptions = api.security.stepUpPasskeyOptions.useMutation();
  const [withCode, setWithCode] = useState(false);
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    if (!value.trim()) {
      setError(c.required);
      return;
    }
    if (withCode && !isCodeShape(value.trim())) {
      setError(l.authenticatorFormat);
      return;
    }
    setError(null);
    try {
      await stepUp.mutateAsync(withCode ? { totp: value.trim() } : { password: value });
      onProved();
    } catch (err) {
      setProblem(toProblem(err, c));
    }
  }

  async function withPasskey() {
    setProblem(null);
    try {
      const { ceremonyId, options } = await passkeyOptions.mutateAsync();
      const response = await askPasskey(options);
      if (!response) return;
      await stepUp.mutateAsync({ passkey: { ceremonyId, response } });
      onProved();
    } catch (err) {
      setProblem(toProblem(err, c));
    }
  }

  return (
    <form method="post" onSubmit={submit} noValidate className="stack" aria-labelledby="step-up-title">
      <h3 id="step-up-title">{t.stepUpTitle}</h3>
      <p>{t.stepUpIntro}</p>
      {hasPasskey ? (
        <button type="button" className="primary" onClick={() => void withPasskey()} disabled={passkeyOptions.isPending || stepUp.isPending}>
          {l.usePasskey}
        </button>
      ) : null}
      {withCode ? (
        <Field
          label={l.authenticatorCode}
          name="totp"
          autoComplete="one-time-code"
          inputMode="numeric"
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={error}
        />
      ) : (
        <PasswordField label={t.stepUpPassword} name="password" autoComplete="current-password" value={value} onChange={setValue} error={error} />
      )}
      <FormAlert>{problem?.message}</FormAlert>
      <SubmitButton busy={stepUp.isPending} busyLabel={c.working}>
        {t.stepUpSubmit}
      </SubmitButton>
      {hasTotp ? (
        <button
          type="button"
          className="link"
          onClick={() => {
            setWithCode(!withCode);
            setValue("");
            setError(null);
          }}
        >
          {withCode ? t.stepUpWithPassword : t.stepUpWithCode}
        </button>
      ) : null}
      <p>
        {/* No password or app (a phone-only account): a fresh sign-in is the proof. */}
        <Link href="/login?next=%2Faccount">{t.stepUpRelogin}</Link>
      </p>
      <button type="button" className="link" onClick={onCancel}>
        {t.cancel}
      </button>
    </form>
  );
}
