"use client";

import { useEffect, useState } from "react";
import { fill } from "../i18n/define";
import { useMessages } from "../i18n/client";
import { passwordMessages } from "../i18n/password";
import { api } from "../trpc/react";
import { Field } from "./field";

/** The service's length bounds, asked once per page load; null until they arrive (or when not wanted). */
function usePasswordPolicy(wanted = true) {
  return api.auth.passwordPolicy.useQuery(undefined, { staleTime: Infinity, enabled: wanted }).data ?? null;
}

interface Props {
  label: string;
  name: string;
  value: string;
  onChange(value: string): void;
  error?: string | null;
  /** "new-password" shows the policy as the person types. */
  autoComplete: "new-password" | "current-password";
}

/** A password input; for a new password the policy is checked by the service as you type. */
export function PasswordField({ label, name, value, onChange, error, autoComplete }: Props) {
  const t = useMessages(passwordMessages);
  const [shown, setShown] = useState(false);
  const check = api.auth.checkPassword.useMutation();
  const isNew = autoComplete === "new-password";
  // A current password is not checked against the policy: no need to ask for it.
  const bounds = usePasswordPolicy(isNew);
  const length = [...value].length;
  const lengthOk = bounds !== null && length >= bounds.minLength && length <= bounds.maxLength;

  useEffect(() => {
    if (!isNew || !lengthOk) return;
    const timer = setTimeout(() => check.mutate({ password: value }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `check` is a new object each render; the check runs when the password changes
  }, [value, isNew, lengthOk]);

  const common = !lengthOk ? null : check.isPending ? null : check.data ? check.data.problem !== "common" : null;
  const policy = isNew ? (
    <ul aria-label={t.policyTitle} className="policy">
      {bounds ? (
        <li className={value ? (lengthOk ? "ok" : "bad") : undefined}>
          {fill(t.length, { min: bounds.minLength, max: bounds.maxLength })}
          {value ? <span className="sr-only"> ({lengthOk ? t.met : t.notMet})</span> : null}
        </li>
      ) : null}
      <li className={common === null ? undefined : common ? "ok" : "bad"}>
        {t.notCommon}
        {common === null ? null : <span className="sr-only"> ({common ? t.met : t.notMet})</span>}
      </li>
    </ul>
  ) : null;

  return (
    <div className="password-field">
      <Field
        label={label}
        name={name}
        type={shown ? "text" : "password"}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete={autoComplete}
        required
        hint={policy}
        error={error}
      />
      <label className="inline">
        <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} /> {t.show}
      </label>
    </div>
  );
}

/** The policy's reason as a sentence, for a WEAK_PASSWORD answer; undefined (use the service's message) until the bounds are known. */
export function usePasswordReason() {
  const t = useMessages(passwordMessages);
  const bounds = usePasswordPolicy();
  return (reason: string | undefined) =>
    bounds && (reason === "too_short" || reason === "too_long" || reason === "common")
      ? fill(t[reason], { min: bounds.minLength, max: bounds.maxLength })
      : undefined;
}
