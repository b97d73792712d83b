"use client";

import type { ReactNode } from "react";
import { PIN_LENGTH } from "@authsvc/core/vocabulary";
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

/** A PIN (digits only): masked like a password, a number pad on phones, never remembered by the browser. */
export function PinField({ onChange, ...props }: Props) {
  return (
    <Field
      {...props}
      type="password"
      inputMode="numeric"
      pattern="[0-9]*"
      maxLength={PIN_LENGTH}
      autoComplete="off"
      spellCheck={false}
      required
      onChange={(e) => onChange(e.target.value.replace(/\D/g, "").slice(0, PIN_LENGTH))}
    />
  );
}
