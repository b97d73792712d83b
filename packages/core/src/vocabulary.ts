import type { User } from "@authsvc/store";

/**
 * The words and shapes core decides and screens show: roles, audit event kinds, the shape
 * of a code and of a PIN, the longest full name, a username's length. Exported on its own (`@authsvc/core/vocabulary`) so a browser
 * bundle can read them without pulling in the domain; so this file imports no runtime code.
 */

export const USER_ROLES = ["user", "customer", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const AUDIT_KINDS = [
  "signup",
  "login",
  "login_failed",
  "lockout",
  "code_sent",
  "code_verified",
  "code_failed",
  "email_verified",
  "phone_verified",
  "password_changed",
  "password_reset_requested",
  "pin_set",
  "pin_changed",
  "pin_failed",
  "pin_locked",
  "session_renewed",
  "session_revoked",
  "token_reuse",
  "logout",
  "role_changed",
  "claim_dropped",
  "lockout_lifted",
  "sms_budget_exhausted",
  "second_factor_required",
  "second_factor_failed",
  "factor_added",
  "factor_removed",
  "factors_reset",
  "factors_viewed",
  "recovery_codes_made",
  "recovery_code_used",
  "step_up",
  "oidc_client_registered",
  "oidc_client_revoked",
  "oidc_consent",
  "oidc_token_reuse",
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** Digits in a one-time code (sent by SMS or email). */
export const CODE_LENGTH = 6;
/** Digits in a PIN. */
export const PIN_LENGTH = 6;
/** Characters a person's full name may have (longer is refused, not cut). */
export const FULL_NAME_MAX_LENGTH = 128;
/** Characters a second factor's name may have ("Work laptop", "Phone"), after trimming. */
export const FACTOR_NAME_MAX_LENGTH = 64;
/** Characters an email address may have (RFC 5321's path limit less its brackets). */
export const EMAIL_MAX_LENGTH = 254;
/** A username's length, in characters (letters, digits, dots, dashes, underscores). */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;
/** A username as stored: the source of a `RegExp` and of a JSON Schema `pattern` alike. */
export const USERNAME_PATTERN = `^[A-Za-z0-9._-]{${USERNAME_MIN_LENGTH},${USERNAME_MAX_LENGTH}}$`;
/**
 * A session's last use is recorded at most this often, so a token check is a read, not a
 * write; a sessions list's "last active" is that precise.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

const digits = (n: number) => new RegExp(`^\\d{${n}}$`);
const CODE_SHAPE = digits(CODE_LENGTH);
const PIN_SHAPE = digits(PIN_LENGTH);

/** True when `value` has a code's shape (ASCII digits, exactly CODE_LENGTH); says nothing of whether it is right. */
export const isCodeShape = (value: string): boolean => CODE_SHAPE.test(value);
/** True when `value` has a PIN's shape; the policy (pin/policy.ts) decides whether it is good enough. */
export const isPinShape = (value: string): boolean => PIN_SHAPE.test(value);

// The store's roles and these must stay the same set, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rolesMatch: Same<UserRole, User["role"]> = true;
void rolesMatch;

/** The languages screens and messages speak. */
export const LOCALES = ["en", "id"] as const;
export type Locale = (typeof LOCALES)[number];
/** The cookie the language switch sets; every page rendered on the site reads it first. */
export const LOCALE_COOKIE = "lang";

export const isLocale = (v: unknown): v is Locale => v === "en" || v === "id";

/** The switch's choice (the cookie's value) first, then the browser's language order. */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookie)) return cookie;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { lang: tag.split("-")[0], q: q ? Number(q.split("=")[1]) : 1 };
    })
    .filter((x) => x.lang && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q);
  for (const { lang } of ranked) {
    if (lang === "id" || lang === "in" || lang === "ms") return "id";
    if (lang === "en") return "en";
  }
  return "en";
}
