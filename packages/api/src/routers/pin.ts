import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure } from "../trpc";
import { CHECKS_CODE, SENDS_CODE } from "../errors";
import * as s from "./schemas";

export const pinRouter = {
  /** Needs a sign-in within the last 10 minutes, or `currentPassword`. */
  set: protectedProcedure
    .meta({ errors: ["TRIVIAL_PIN", "PIN_LOCKED", "REAUTH_REQUIRED", "INVALID_CREDENTIALS", "RATE_LIMITED"] })
    .input(z.object({ pin: z.string().max(64), currentPassword: s.password.optional() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.setPin(ctx.principal, input, ctx.meta);
      return { ok: true as const };
    }),

  /** Unlock after idle: the PIN proves the person again on this session. */
  relogin: protectedProcedure
    .meta({ errors: ["RATE_LIMITED", "INVALID_PIN", "PIN_LOCKED", "PIN_NOT_SET"] })
    .input(z.object({ pin: z.string().max(64) }))
    .mutation(async ({ ctx, input }) => ({
      user: ctx.auth.publicUser(await ctx.auth.reloginWithPin(ctx.principal, input.pin, ctx.meta)),
    })),

  /** A code to reset a forgotten or locked PIN, to the account's proven email (else phone). */
  requestReset: protectedProcedure
    .meta({ errors: [...SENDS_CODE] })
    .input(z.object({ locale: s.locale }).optional())
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.requestPinReset(ctx.principal, ctx.meta, input?.locale);
      return { channel: sent.channel, expiresAt: sent.expiresAt, resendIn: sent.resendInSec };
    }),

  /** A new PIN with the code `requestReset` sent; lifts a PIN lock. */
  reset: protectedProcedure
    .meta({ errors: ["TRIVIAL_PIN", ...CHECKS_CODE] })
    .input(z.object({ code: s.code, pin: z.string().max(64) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.resetPinWithCode(ctx.principal, input, ctx.meta);
      return { ok: true as const };
    }),
} satisfies TRPCRouterRecord;
