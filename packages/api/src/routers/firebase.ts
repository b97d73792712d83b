import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure } from "../trpc";

export const firebaseRouter = {
  /** A Firebase custom token (RS256, one hour) for oneself; admins may name any user. */
  token: protectedProcedure
    .meta({ errors: ["UNAUTHORIZED", "USER_NOT_FOUND"] })
    .input(z.object({ userId: z.number().int().positive().optional() }).optional())
    .query(async ({ ctx, input }) => ({
      token: await ctx.auth.firebaseToken(ctx.principal, input?.userId ?? ctx.principal.user.id),
    })),
} satisfies TRPCRouterRecord;
