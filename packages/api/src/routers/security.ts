import type { StepUpProof } from "@authsvc/core";
import type { TRPCRouterRecord } from "@trpc/server";
import { FACTOR_NAME_MAX_LENGTH } from "@authsvc/core/vocabulary";
import { z } from "zod";
import { protectedProcedure } from "../trpc";
import * as s from "./schemas";

/** The signed-in holder's second factors and step-up. Changes need a proof within the last few minutes (`stepUp`). */
export const securityRouter = {
  /** The account's confirmed factors (never a secret) and how many recovery codes are left. */
  factors: protectedProcedure.meta({ errors: [] }).query(({ ctx }) => ctx.auth.listFactors(ctx.principal)),

  /** Proves it is you again on this session: a passkey, an authenticator code, the password, or the PIN on a known device. */
  stepUp: protectedProcedure
    .meta({ errors: ["INVALID_CREDENTIALS", "RATE_LIMITED", "INVALID_CODE", "INVALID_PIN", "PIN_LOCKED", "PIN_NOT_SET", "STEP_UP_REQUIRED", "PASSKEY_REFUSED"] })
    .input(
      z.union([
        z.object({ password: s.password }),
        z.object({ totp: s.code }),
        z.object({ pin: z.string().max(64) }),
        z.object({ passkey: s.passkeyAssertion }),
      ]),
    )
    .mutation(({ ctx, input }) => ctx.auth.stepUp(ctx.principal, input as StepUpProof, ctx.meta)),

  /** Options for a passkey step-up: this account's passkeys (`navigator.credentials.get`). */
  stepUpPasskeyOptions: protectedProcedure
    .meta({ errors: ["FACTOR_NOT_FOUND", "PASSKEYS_UNAVAILABLE"] })
    .mutation(({ ctx }) => ctx.auth.stepUpPasskeyOptions(ctx.principal, ctx.meta)),

  /** Starts registering a passkey (`navigator.credentials.create`). Needs step-up. */
  startPasskey: protectedProcedure
    .meta({ stepUp: true, errors: ["STEP_UP_REQUIRED", "PASSKEYS_UNAVAILABLE"] })
    .mutation(({ ctx }) => ctx.auth.startPasskey(ctx.principal, ctx.meta)),

  /** Stores the passkey the browser made; the account's first factor comes with its recovery codes, shown once. */
  finishPasskey: protectedProcedure
    .meta({ errors: ["PASSKEY_REFUSED", "PASSKEYS_UNAVAILABLE"] })
    .input(z.object({ ceremonyId: z.string().min(1).max(64), response: s.registrationResponse, name: z.string().max(FACTOR_NAME_MAX_LENGTH).optional() }))
    .mutation(({ ctx, input }) => ctx.auth.finishPasskey(ctx.principal, input as Parameters<typeof ctx.auth.finishPasskey>[1], ctx.meta)),

  /** Starts an authenticator-app enrolment: the key as text and as an `otpauth://` URI for a QR code. Needs step-up. */
  startTotp: protectedProcedure
    .meta({ stepUp: true, errors: ["STEP_UP_REQUIRED"] })
    .input(z.object({ name: z.string().max(FACTOR_NAME_MAX_LENGTH).optional() }).optional())
    .mutation(({ ctx, input }) => ctx.auth.startTotp(ctx.principal, input ?? {})),

  /** Confirms the enrolment with a first code; the account's first factor comes with its recovery codes, shown once. */
  confirmTotp: protectedProcedure
    .meta({ errors: ["INVALID_CODE", "CODE_EXPIRED", "FACTOR_NOT_FOUND"] })
    .input(z.object({ factorId: s.factorId, code: s.code }))
    .mutation(({ ctx, input }) => ctx.auth.confirmTotp(ctx.principal, input, ctx.meta)),

  /** Removes a factor; the last one takes the recovery codes with it. Needs step-up. */
  removeFactor: protectedProcedure
    .meta({ stepUp: true, errors: ["STEP_UP_REQUIRED", "FACTOR_NOT_FOUND"] })
    .input(z.object({ factorId: s.factorId }))
    .mutation(({ ctx, input }) => ctx.auth.removeFactor(ctx.principal, input.factorId, ctx.meta)),

  /** New recovery codes, shown once; the old ones stop working. Needs step-up. */
  regenerateRecoveryCodes: protectedProcedure
    .meta({ stepUp: true, errors: ["STEP_UP_REQUIRED", "FACTOR_NOT_FOUND"] })
    .mutation(({ ctx }) => ctx.auth.regenerateRecoveryCodes(ctx.principal, ctx.meta)),
} satisfies TRPCRouterRecord;
