"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { FULL_NAME_MAX_LENGTH } from "@authsvc/core/vocabulary";
import { verifyHref } from "../../src/components/auth/links";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { Field } from "../../src/components/field";
import { FormAlert } from "../../src/components/form-alert";
import { PasswordField, usePasswordReason } from "../../src/components/password-field";
import { SubmitButton } from "../../src/components/submit-button";
import { useLocale, useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { signupMessages } from "../../src/i18n/signup";
import { toProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";

type Name = "email" | "password" | "fullName" | "username" | "phone";
type Errors = Partial<Record<Name, string>>;
const REQUIRED: Name[] = ["email", "password", "fullName", "username"];

export function SignupForm({ next }: { next: string | null }) {
  const t = useMessages(signupMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const router = useRouter();
  const passwordReason = usePasswordReason();
  const register = api.auth.register.useMutation();
  const form = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<Record<Name, string>>({ email: "", password: "", fullName: "", username: "", phone: "" });
  const [errors, setErrors] = useState<Errors>({});
  const [alert, setAlert] = useState<string | null>(null);
  // A new object on every refusal, so focus moves even when the same field fails twice.
  const [refusal, setRefusal] = useState<object | null>(null);
  useFocusInvalid(form, refusal);

  // The schema's own wording is English; a shape refusal reads better as the field's hint.
  const shapeMessage: Record<Name, string> = {
    email: t.invalidEmail,
    password: c.WEAK_PASSWORD,
    fullName: t.invalidFullName,
    username: t.invalidUsername,
    phone: t.invalidPhone,
  };

  const set = (name: Name) => (value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    if (errors[name]) setErrors((e) => ({ ...e, [name]: undefined }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (register.isPending) return;
    setAlert(null);
    const missing: Errors = {};
    for (const name of REQUIRED) if (!values[name].trim()) missing[name] = c.required;
    if (Object.keys(missing).length) {
      setErrors(missing);
      setRefusal({});
      return;
    }
    setErrors({});
    try {
      const p = await register.mutateAsync({
        email: values.email,
        password: values.password,
        fullName: values.fullName,
        username: values.username,
        phone: values.phone.trim() || null,
        locale,
      });
      router.push(verifyHref(p, next));
    } catch (err) {
      const problem = toProblem(err, c);
      const found: Errors = {};
      for (const [path, message] of Object.entries(problem.fields)) {
        if (!(path in shapeMessage)) continue;
        const name = path as Name;
        found[name] = problem.code === "INVALID_INPUT" ? shapeMessage[name] : message;
      }
      if (problem.code === "WEAK_PASSWORD") found.password = passwordReason(problem.reason) ?? problem.message;
      setErrors(found);
      setAlert(Object.keys(found).length ? null : problem.message);
      setRefusal({});
    }
  }

  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      <Field
        label={t.email}
        name="email"
        type="email"
        inputMode="email"
        autoComplete="email"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={values.email}
        onChange={(e) => set("email")(e.target.value)}
        hint={t.emailHint}
        error={errors.email}
      />
      <PasswordField
        label={t.password}
        name="password"
        autoComplete="new-password"
        value={values.password}
        onChange={set("password")}
        error={errors.password}
      />
      <Field
        label={t.fullName}
        name="fullName"
        autoComplete="name"
        required
        maxLength={FULL_NAME_MAX_LENGTH}
        value={values.fullName}
        onChange={(e) => set("fullName")(e.target.value)}
        error={errors.fullName}
      />
      <Field
        label={t.username}
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={values.username}
        onChange={(e) => set("username")(e.target.value)}
        hint={t.usernameHint}
        error={errors.username}
      />
      <Field
        label={t.phone}
        name="phone"
        type="tel"
        autoComplete="tel"
        value={values.phone}
        onChange={(e) => set("phone")(e.target.value)}
        hint={t.phoneHint}
        error={errors.phone}
      />
      <FormAlert>{alert}</FormAlert>
      <SubmitButton busy={register.isPending} busyLabel={c.working}>
        {t.submit}
      </SubmitButton>
    </form>
  );
}
