import { TRPCClientError } from "@trpc/client";
import { clockTime, fill } from "../i18n/define";
import type { common } from "../i18n/common";
import type { Locale } from "../i18n/locale";

type Common = (typeof common)[Locale];

export interface ApiProblem {
  /** The core error code (authCode), or UNKNOWN. */
  code: string;
  /** What to show, in the person's language, with wait time or tries left when known. */
  message: string;
  retryAfterSec?: number;
  attemptsLeft?: number;
  reason?: string;
  field?: string;
  /** SECOND_FACTOR_REQUIRED: the ticket the second step takes back. */
  ticket?: string;
  /** Field-level problems from input validation: field path → message. */
  fields: Record<string, string>;
}

interface ErrorData {
  authCode?: string;
  retryAfterSec?: number;
  attemptsLeft?: number;
  reason?: string;
  field?: string;
  ticket?: string;
  factors?: string[];
  issues?: { path: string; message: string }[];
}

/** Turns whatever a tRPC call threw into one problem to show next to the form. */
export function toProblem(err: unknown, t: Common): ApiProblem {
  const data = (err instanceof TRPCClientError ? (err.data as ErrorData | undefined) : undefined) ?? {};
  const code = data.authCode && data.authCode in t ? data.authCode : "UNKNOWN";
  let message = t[code as keyof Common] ?? t.UNKNOWN;
  if (data.retryAfterSec && (code === "RATE_LIMITED" || code === "RESEND_COOLDOWN" || code === "TOO_MANY_ATTEMPTS")) {
    message += " " + fill(t.retryIn, { time: clockTime(data.retryAfterSec) });
  }
  if (code === "INVALID_CODE" && data.attemptsLeft !== undefined) {
    message += " " + (data.attemptsLeft === 1 ? t.attemptsLeft1 : fill(t.attemptsLeft, { n: data.attemptsLeft }));
  }
  const fields: Record<string, string> = {};
  for (const issue of data.issues ?? []) fields[issue.path] ??= issue.message;
  if (data.field && code !== "UNKNOWN") fields[data.field] ??= message;
  return { code, message, retryAfterSec: data.retryAfterSec, attemptsLeft: data.attemptsLeft, reason: data.reason, field: data.field, ticket: data.ticket, fields };
}

/** A sign-in's second step to take: its ticket and the factors that can take it. */
export interface SecondStepTicket {
  ticket: string;
  factors: string[];
}

/** The second step a sign-in's first step answered (SECOND_FACTOR_REQUIRED), or null for any other outcome. */
export function secondStepTicket(err: unknown): SecondStepTicket | null {
  const data = err instanceof TRPCClientError ? (err.data as ErrorData | undefined) : undefined;
  return data?.authCode === "SECOND_FACTOR_REQUIRED" && typeof data.ticket === "string" ? { ticket: data.ticket, factors: data.factors ?? [] } : null;
}
