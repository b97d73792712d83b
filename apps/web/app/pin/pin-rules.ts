import { isPinShape } from "@authsvc/core/vocabulary";
import type { pinMessages } from "../../src/i18n/pin";
import type { Locale } from "../../src/i18n/locale";
import type { ApiProblem } from "../../src/trpc/errors";

type T = (typeof pinMessages)[Locale];

export interface NewPinErrors {
  pin?: string;
  again?: string;
}

/** What can be told before asking the service: a PIN's shape, typed the same twice. */
export function checkNewPin(pin: string, again: string, t: T): NewPinErrors {
  if (!isPinShape(pin)) return { pin: t.notDigits };
  if (pin !== again) return { again: t.mismatch };
  return {};
}

/** The service's refusal of the PIN itself, with its reason; null when it is about something else. */
export function pinRefusal(p: ApiProblem, t: T): string | null {
  if (p.code === "TRIVIAL_PIN") return p.reason === "trivial" ? t.trivial : p.reason === "common" ? t.common : p.message;
  if (p.code === "INVALID_INPUT" && (p.field === "pin" || p.reason === "not_digits")) return t.notDigits;
  return null;
}
