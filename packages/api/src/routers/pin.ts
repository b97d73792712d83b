import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure } from "../trpc";
import * as s from "./schemas";

export const pinRouter = {
  /** Needs a sign-in within the last 10 minutes, or `currentPassword`. */
  set: protectedProcedure
    .input(z.object({ pin: z.string().max(64), currentPassword: s.password.optional() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.setPin(ctx.principal, input, ctx.meta);
      return { ok: true as const };
    }),

  /** Unlock after idle: the PIN proves the person again on this session. */
  relogin: protectedProcedure.input(z.object({ pin: z.string().max(64) })).mutation(async ({ ctx, input }) => ({
    user: ctx.auth.publicUser(await ctx.auth.reloginWithPin(ctx.principal, input.pin, ctx.meta)),
  })),

  requestReset: protectedProcedure
    .input(z.object({ locale: s.locale }).optional())
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.requestPinReset(ctx.principal, ctx.meta, input?.locale);
      return { channel: sent.channel, expiresAt: sent.expiresAt, resendIn: sent.resendInSec };
    }),

  reset: protectedProcedure.input(z.object({ code: s.code, pin: z.string().max(64) })).mutation(async ({ ctx, input }) => {
    await ctx.auth.resetPinWithCode(ctx.principal, input, ctx.meta);
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
