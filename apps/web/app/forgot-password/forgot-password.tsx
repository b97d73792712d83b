"use client";

import { useRef, useState, type FormEvent } from "react";
import { CodeEntry } from "../../src/components/code-entry";
import { Field } from "../../src/components/field";
import { FormAlert } from "../../src/components/form-alert";
import { PasswordField, usePasswordReason } from "../../src/components/password-field";
import { SubmitButton } from "../../src/components/submit-button";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { common } from "../../src/i18n/common";
import { resetMessages } from "../../src/i18n/reset";
import { useLocale, useMessages } from "../../src/i18n/client";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { PasswordChanged } from "../reset-password/password-changed";

/** Email or phone → a code (and, by email, a link) → the code with a new password. */
export function ForgotPassword() {
  const [sent, setSent] = useState<{ identifier: string; resendIn: number } | null>(null);
  const [done, setDone] = useState(false);
  if (done) return <PasswordChanged />;
  if (sent === null) return <AskForCode onSent={(identifier, resendIn) => setSent({ identifier, resendIn })} />;
  return <CodeStep identifier={sent.identifier} resendIn={sent.resendIn} onBack={() => setSent(null)} onDone={() => setDone(true)} />;
}

function AskForCode({ onSent }: { onSent(identifier: string, resendIn: number): void }) {
  const t = useMessages(resetMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const forgot = api.auth.forgotPassword.useMutation();
  const [identifier, setIdentifier] = useState("");
  const [errors, setErrors] = useState<{ identifier?: string }>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, errors);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const value = identifier.trim();
    setErrors(value ? {} : { identifier: c.required });
    if (!value) return;
    try {
      const { resendIn } = await forgot.mutateAsync({ identifier: value, locale });
      onSent(value, resendIn);
    } catch (err) {
      const p = toProblem(err, c);
      if (p.fields.identifier) setErrors({ identifier: p.message });
      else setProblem(p);
    }
  }

  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      <p>{t.forgotIntro}</p>
      <Field
        label={t.identifier}
        name="identifier"
        value={identifier}
        onChange={(e) => setIdentifier(e.target.value)}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        autoFocus
        hint={t.identifierHint}
        error={errors.identifier}
      />
      <FormAlert>{problem?.message}</FormAlert>
      <SubmitButton busy={forgot.isPending} busyLabel={c.working}>
        {t.sendCode}
      </SubmitButton>
    </form>
  );
}

function CodeStep({
  identifier,
  resendIn,
  onBack,
  onDone,
}: {
  identifier: string;
  resendIn: number;
  onBack(): void;
  onDone(): void;
}) {
  const t = useMessages(resetMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const reason = usePasswordReason();
  const forgot = api.auth.forgotPassword.useMutation();
  const reset = api.auth.resetPassword.useMutation();
  const [password, setPassword] = useState("");
  const [passwordError, setPasswordError] = useState<{ password?: string }>({});
  const box = useRef<HTMLDivElement>(null);
  useFocusInvalid(box, passwordError);

  async function verify(code: string) {
    if (!password) {
      setPasswordError({ password: c.required });
      return false;
    }
    setPasswordError({});
    try {
      await reset.mutateAsync({ identifier, code, newPassword: password, locale });
    } catch (err) {
      const p = toProblem(err, c);
      if (p.code !== "WEAK_PASSWORD") throw err;
      setPasswordError({ password: reason(p.reason) ?? p.message });
      return false;
    }
    onDone();
  }

  return (
    <div ref={box} className="stack">
      <CodeEntry
        destination={identifier}
        resendIn={resendIn}
        status={<p className="muted">{t.sentStatus}</p>}
        onVerify={verify}
        onResend={async () => (await forgot.mutateAsync({ identifier, locale })).resendIn}
        submitLabel={t.setPassword}
      >
        <PasswordField
          label={t.newPassword}
          name="newPassword"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          error={passwordError.password}
        />
      </CodeEntry>
      <p>
        <button type="button" className="link" onClick={onBack}>
          {t.otherIdentifier}
        </button>
      </p>
    </div>
  );
}
