"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { FormAlert } from "../../src/components/form-alert";
import { PasswordField, usePasswordReason } from "../../src/components/password-field";
import { SubmitButton } from "../../src/components/submit-button";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { common } from "../../src/i18n/common";
import { resetMessages } from "../../src/i18n/reset";
import { useLocale, useMessages } from "../../src/i18n/client";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { PasswordChanged } from "./password-changed";

/** The emailed link: its token and a new password, once. */
export function ResetWithLink({ token }: { token: string }) {
  const t = useMessages(resetMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const reason = usePasswordReason();
  const reset = api.auth.resetPasswordWithLink.useMutation();
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<{ password?: string }>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, errors);

  if (reset.isSuccess) return <PasswordChanged />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setErrors(password ? {} : { password: c.required });
    if (!password) return;
    try {
      await reset.mutateAsync({ token, newPassword: password, locale });
    } catch (err) {
      const p = toProblem(err, c);
      if (p.code === "WEAK_PASSWORD") setErrors({ password: reason(p.reason) ?? p.message });
      else setProblem(p);
    }
  }

  // A bad token reads as an input problem when it is malformed and UNAUTHORIZED otherwise: both mean "ask again".
  const deadLink = problem && (problem.code === "UNAUTHORIZED" || (problem.code === "INVALID_INPUT" && problem.fields.token));
  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      <p>{t.linkIntro}</p>
      <PasswordField
        label={t.newPassword}
        name="newPassword"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        error={errors.password}
      />
      <FormAlert>
        {deadLink ? (
          <>
            {t.linkInvalid} <Link href="/forgot-password">{t.askAgain}</Link>
          </>
        ) : (
          problem?.message
        )}
      </FormAlert>
      <SubmitButton busy={reset.isPending} busyLabel={c.working}>
        {t.setPassword}
      </SubmitButton>
    </form>
  );
}
