import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { clearSessionCookie, protectedProcedure, type SignedInContext } from "../trpc";

/** `session.list`'s answer; the fast query for it answers the same (fast-queries.ts). */
export const sessionList = (ctx: SignedInContext) => ctx.auth.listSessions(ctx.principal);

export const sessionRouter = {
  /** The account's live sessions, the current one marked. */
  list: protectedProcedure.meta({ errors: [] }).query(({ ctx }) => sessionList(ctx)),

  /** Signs one of the account's sessions out; signing out another than this one needs step-up. */
  revoke: protectedProcedure
    .meta({ stepUp: "conditional", errors: ["NOT_FOUND", "STEP_UP_REQUIRED"] })
    .input(z.object({ sessionId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.revokeSession(ctx.principal, input.sessionId, ctx.meta);
      if (input.sessionId === ctx.principal.session.id && ctx.credential?.from === "cookie") clearSessionCookie(ctx);
      return { ok: true as const };
    }),

  /** "Sign out everywhere": by default keeps the session making the request. Needs step-up. */
  revokeAll: protectedProcedure
    .meta({ stepUp: true, errors: ["STEP_UP_REQUIRED"] })
    .input(z.object({ keepCurrent: z.boolean().default(true) }).optional())
    .mutation(async ({ ctx, input }) => {
      const keepCurrent = input?.keepCurrent ?? true;
      const revoked = await ctx.auth.revokeAllSessions(ctx.principal, { keepCurrent }, ctx.meta);
      if (!keepCurrent && ctx.credential?.from === "cookie") clearSessionCookie(ctx);
      return { revoked };
    }),
} satisfies TRPCRouterRecord;
