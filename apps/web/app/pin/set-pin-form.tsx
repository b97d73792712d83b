"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { FormAlert } from "../../src/components/form-alert";
import { PasswordField } from "../../src/components/password-field";
import { SubmitButton } from "../../src/components/submit-button";
import { PinField } from "../../src/components/account/pin-field";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { common } from "../../src/i18n/common";
import { pinMessages } from "../../src/i18n/pin";
import { useMessages } from "../../src/i18n/client";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { checkNewPin, pinRefusal, type NewPinErrors } from "./pin-rules";

type Errors = NewPinErrors & { password?: string };

/** pin.set; asks for the current password only when the service says the sign-in is too old. */
export function SetPinForm({ onDone, onLocked }: { onDone(): void; onLocked(): void }) {
  const t = useMessages(pinMessages);
  const c = useMessages(common);
  const setPin = api.pin.set.useMutation();
  const [pin, setPinValue] = useState("");
  const [again, setAgain] = useState("");
  const [password, setPassword] = useState("");
  const [needsPassword, setNeedsPassword] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, errors);

  useEffect(() => {
    if (needsPassword) form.current?.querySelector<HTMLInputElement>('input[name="currentPassword"]')?.focus();
  }, [needsPassword]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const local: Errors = checkNewPin(pin, again, t);
    if (needsPassword && !password) local.password = c.required;
    setErrors(local);
    if (Object.keys(local).length) return;
    try {
      await setPin.mutateAsync({ pin, currentPassword: needsPassword ? password : undefined });
      onDone();
    } catch (err) {
      const p = toProblem(err, c);
      const refusal = pinRefusal(p, t);
      if (refusal) setErrors({ pin: refusal });
      else if (p.code === "REAUTH_REQUIRED") {
        setNeedsPassword(true);
        setProblem(p);
      } else if (p.code === "INVALID_CREDENTIALS") setErrors({ password: t.wrongPassword });
      else {
        setProblem(p);
        if (p.code === "PIN_LOCKED") onLocked();
      }
    }
  }

  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      <PinField label={t.newPin} name="pin" value={pin} onChange={setPinValue} hint={t.pinHint} error={errors.pin} />
      <PinField label={t.newPinAgain} name="pinAgain" value={again} onChange={setAgain} error={errors.again} />
      {needsPassword ? (
        <div className="stack">
          <p className="muted">{t.reauthHint}</p>
          <PasswordField
            label={t.currentPassword}
            name="currentPassword"
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
            error={errors.password}
          />
        </div>
      ) : null}
      <FormAlert>{problem?.message}</FormAlert>
      <SubmitButton busy={setPin.isPending} busyLabel={c.working}>
        {t.save}
      </SubmitButton>
    </form>
  );
}
