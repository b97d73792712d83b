import type { AuthErrorCode } from "@authsvc/core";
import { isTRPCClientError, type TRPCClientError } from "@trpc/client";
import type { AppRouter } from "./router";

export type { AuthErrorCode };

/** What a failed call throws: `err.data` carries `authCode` and the code's details (`retryAfterSec`, `attemptsLeft`, `ticket`, …). */
export type AuthClientError = TRPCClientError<AppRouter>;

/** A failed call's error whose `data.authCode` is `C`, so the details read without casts. */
export type AuthErrorOf<C extends AuthErrorCode> = AuthClientError & { data: NonNullable<AuthClientError["data"]> & { authCode: C } };

/** The service's error code a call failed with, or undefined for anything else (a network failure, a bug). */
export function authErrorCode(err: unknown): AuthErrorCode | undefined {
  if (!isTRPCClientError<AppRouter>(err)) return undefined;
  const code: unknown = err.data?.authCode;
  return typeof code === "string" ? (code as AuthErrorCode) : undefined;
}

/** True when `err` is the service's refusal (with `code`: that refusal); narrows `err` for its `data`. */
export function isAuthError(err: unknown): err is AuthErrorOf<AuthErrorCode>;
export function isAuthError<C extends AuthErrorCode>(err: unknown, code: C): err is AuthErrorOf<C>;
export function isAuthError(err: unknown, code?: AuthErrorCode): boolean {
  const found = authErrorCode(err);
  return found !== undefined && (code === undefined || found === code);
}
