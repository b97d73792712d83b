import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, type SignedInContext } from "../trpc";
import * as s from "./schemas";

/** `user.me`'s answer; the fast query for it answers the same (fast-queries.ts). */
export const me = (ctx: SignedInContext) => ctx.auth.publicUser(ctx.principal.user);

export const userRouter = {
  /** The signed-in user, with `customerId` and `accountNumber` (family 004's identifiers). */
  me: protectedProcedure.query(({ ctx }) => me(ctx)),

  requestVerification: protectedProcedure
    .input(z.object({ channel: z.enum(["email", "phone"]), locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.sendContactVerification(ctx.principal.user, input.channel, ctx.meta, input.locale);
      return { expiresAt: sent.expiresAt, resendIn: sent.resendInSec };
    }),

  confirmVerification: protectedProcedure
    .input(z.object({ channel: z.enum(["email", "phone"]), code: s.code }))
    .mutation(async ({ ctx, input }) =>
      ctx.auth.publicUser(await ctx.auth.confirmContactVerification(ctx.principal.user, input.channel, input.code, ctx.meta)),
    ),
} satisfies TRPCRouterRecord;
