import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, type SignedInContext } from "../trpc";
import { CHECKS_CODE, SENDS_CODE } from "../errors";
import * as s from "./schemas";

/** `user.me`'s answer; the fast query for it answers the same (fast-queries.ts). */
export const me = (ctx: SignedInContext) => ctx.auth.publicUser(ctx.principal.user);

export const userRouter = {
  /** The signed-in user, with `customerId` and `accountNumber` (family 004's identifiers). */
  me: protectedProcedure.meta({ errors: [] }).query(({ ctx }) => me(ctx)),

  /** A code to prove the account's own email or phone number. */
  requestVerification: protectedProcedure
    .meta({ errors: ["ALREADY_VERIFIED", ...SENDS_CODE] })
    .input(z.object({ channel: z.enum(["email", "phone"]), locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.sendContactVerification(ctx.principal.user, input.channel, ctx.meta, input.locale);
      return { expiresAt: sent.expiresAt, resendIn: sent.resendInSec };
    }),

  /** The code `requestVerification` sent: the contact is proven. */
  confirmVerification: protectedProcedure
    .meta({ errors: [...CHECKS_CODE] })
    .input(z.object({ channel: z.enum(["email", "phone"]), code: s.code }))
    .mutation(async ({ ctx, input }) =>
      ctx.auth.publicUser(await ctx.auth.confirmContactVerification(ctx.principal.user, input.channel, input.code, ctx.meta)),
    ),
} satisfies TRPCRouterRecord;
