"use client";

import { useState } from "react";
import { Field } from "../../../src/components/field";
import { adminMessages } from "../../../src/i18n/admin";
import { useMessages } from "../../../src/i18n/client";
import { common } from "../../../src/i18n/common";
import { POSITIVE_INT } from "./query";

/**
 * The account an admin form acts on: its typed id, and the problem on the field (placed and
 * focused there by the form). `read()` is the id, or null after saying what is wrong.
 */
export function useUserIdField() {
  const t = useMessages(adminMessages);
  const c = useMessages(common);
  const [value, setValue] = useState("");
  const [error, setError] = useState<{ message: string; at: object } | null>(null);
  const fail = (message: string) => setError({ message, at: {} });
  const read = (): number | null => {
    const raw = value.trim();
    const problem = !raw ? c.required : !POSITIVE_INT.test(raw) ? t.userIdWhole : null;
    if (problem) {
      fail(problem);
      return null;
    }
    setError(null);
    return Number(raw);
  };
  const field = (props: { name: string; hint?: string }) => (
    <Field
      label={t.roleUserId}
      name={props.name}
      inputMode="numeric"
      autoComplete="off"
      required
      value={value}
      onChange={(e) => {
        setValue(e.target.value);
        setError(null);
      }}
      hint={props.hint}
      error={error?.message}
    />
  );
  return { read, fail, field, focusAt: error?.at };
}
