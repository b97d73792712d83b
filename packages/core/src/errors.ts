import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from "./vocabulary";

/**
 * The one map of error codes. Every door (tRPC, each REST family, the web app) maps these
 * codes to its own status and wording; the default message here is the plain-English one.
 */
export const AUTH_ERRORS = {
  INVALID_INPUT: "The request is not valid.",
  INVALID_EMAIL: "That is not a valid email address.",
  INVALID_PHONE: "That is not a valid phone number.",
  INVALID_USERNAME: `Usernames are ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} letters, digits, dots, dashes or underscores.`,
  WEAK_PASSWORD: "The password does not meet the policy.",
  EMAIL_TAKEN: "That email address is already registered.",
  PHONE_TAKEN: "That phone number is already registered.",
  USERNAME_TAKEN: "That username is taken.",
  INVALID_CREDENTIALS: "Wrong sign-in details.",
  EMAIL_NOT_VERIFIED: "The email address is not verified yet.",
  ACCOUNT_DISABLED: "This account is disabled.",
  INVALID_CODE: "That code is not right.",
  CODE_EXPIRED: "That code has expired. Ask for a new one.",
  TOO_MANY_ATTEMPTS: "Too many wrong codes. Wait, then ask for a new one.",
  RESEND_COOLDOWN: "A code was sent a moment ago. Wait before asking again.",
  RATE_LIMITED: "Too many requests. Try again later.",
  INVALID_PIN: "That PIN is not right.",
  TRIVIAL_PIN: "That PIN is too easy to guess.",
  PIN_LOCKED: "The PIN is locked after too many wrong tries. Reset it with a code.",
  PIN_NOT_SET: "No PIN is set for this account.",
  UNAUTHORIZED: "Sign in first.",
  TOKEN_REUSED: "This token was already renewed; the session has been closed.",
  FORBIDDEN: "You are not allowed to do that.",
  ROLE_NOT_HELD: "That role is not yours.",
  REAUTH_REQUIRED: "Confirm it is you: sign in again or give your current password.",
  NOT_FOUND: "Not found.",
  USER_NOT_FOUND: "No such user.",
  VERIFICATION_NOT_FOUND: "No such verification.",
  VERIFICATION_EXPIRED: "This verification has expired. Register again or ask for a new code.",
  ALREADY_VERIFIED: "This is already verified.",
  DELIVERY_FAILED: "The message could not be sent. Try again shortly.",
  SECOND_FACTOR_REQUIRED: "Right, and this account also needs its second factor: a code from the authenticator app, a passkey or a recovery code.",
  SECOND_STEP_EXPIRED: "This sign-in step has expired or was already used. Sign in again.",
  STEP_UP_REQUIRED: "Confirm it is you first: with a passkey, an authenticator code, or your current password or PIN.",
  FACTOR_NOT_FOUND: "No such second factor on this account.",
  PASSKEY_REFUSED: "That passkey could not be verified. Try again.",
  PASSKEYS_UNAVAILABLE: "Passkeys are not available on this site.",
} as const;

export type AuthErrorCode = keyof typeof AUTH_ERRORS;

export interface AuthErrorDetail {
  /** Seconds to wait, for limits and cooldowns. */
  retryAfterSec?: number;
  /** Wrong tries left on the code or PIN. */
  attemptsLeft?: number;
  /** Why a password or PIN was refused: too_short, too_long, common, not_digits, trivial. */
  reason?: string;
  field?: string;
  /** SECOND_FACTOR_REQUIRED: the single-use ticket of the second step, its end, and the factors that can take it. */
  ticket?: string;
  ticketExpiresAt?: number;
  factors?: string[];
}

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly detail: AuthErrorDetail;
  constructor(code: AuthErrorCode, detail: AuthErrorDetail = {}, message?: string) {
    super(message ?? AUTH_ERRORS[code]);
    this.name = "AuthError";
    this.code = code;
    this.detail = detail;
  }
}

export const isAuthError = (e: unknown): e is AuthError => e instanceof AuthError;
