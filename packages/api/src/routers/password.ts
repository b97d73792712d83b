import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure } from "../trpc";
import * as s from "./schemas";

export const passwordRouter = {
  /** Needs `currentPassword` unless the sign-in is recent; every other session is signed out. */
  update: protectedProcedure
    .meta({ errors: ["WEAK_PASSWORD", "INVALID_CREDENTIALS", "RATE_LIMITED", "REAUTH_REQUIRED"] })
    .input(z.object({ newPassword: s.password, currentPassword: s.password.optional(), locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.changePassword(ctx.principal, { ...input }, ctx.meta, input.locale);
      return { ok: true as const };
    }),
} satisfies TRPCRouterRecord;
