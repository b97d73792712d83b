"use client";

import type { ReactNode } from "react";
import { Field } from "../field";

interface Props {
  label: string;
  name: string;
  value: string;
  onChange(value: string): void;
  error?: string | null;
  hint?: ReactNode;
  autoFocus?: boolean;
}

/** A 6-digit PIN: masked like a password, a number pad on phones, never remembered by the browser. */
export function PinField({ onChange, ...props }: Props) {
  return (
    <Field
      {...props}
      type="password"
      inputMode="numeric"
      pattern="[0-9]*"
      maxLength={6}
      autoComplete="off"
      spellCheck={false}
      required
      onChange={(e) => onChange(e.target.value.replace(/\D/g, "").slice(0, 6))}
    />
  );
}
