import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { USER_ROLES } from "@authsvc/core/vocabulary";
import { protectedProcedure } from "../trpc";

export const adminRouter = {
  /** The audit trail, newest first, filtered by user, kind and time; admins only. */
  audit: protectedProcedure
    .meta({ access: "admin", errors: ["FORBIDDEN"] })
    .input(
      z.object({
        userId: z.number().int().positive().optional(),
        kind: z.string().trim().min(1).max(64).optional(),
        from: z.number().int().nonnegative().optional(),
        to: z.number().int().nonnegative().optional(),
        before: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.auth.listAuditEvents(ctx.principal, input)),

  /** Grant or take away a role; only another admin may, never on oneself. */
  setRole: protectedProcedure
    .meta({ access: "admin", errors: ["FORBIDDEN", "USER_NOT_FOUND"] })
    .input(z.object({ userId: z.number().int().positive(), role: z.enum(USER_ROLES) }))
    .mutation(async ({ ctx, input }) => ctx.auth.publicUser(await ctx.auth.setUserRole(ctx.principal, input.userId, input.role, ctx.meta))),

  /** Which second factors an account has (names, kinds, dates; never a secret). Audited. */
  factors: protectedProcedure
    .meta({ access: "admin", errors: ["FORBIDDEN", "USER_NOT_FOUND"] })
    .input(z.object({ userId: z.number().int().positive() }))
    .query(({ ctx, input }) => ctx.auth.adminListFactors(ctx.principal, input.userId, ctx.meta)),

  /** Removes every second factor and recovery code of an account; needs the admin's own step-up. Audited, the owner told. */
  resetFactors: protectedProcedure
    .meta({ access: "admin", stepUp: true, errors: ["FORBIDDEN", "STEP_UP_REQUIRED", "USER_NOT_FOUND"] })
    .input(z.object({ userId: z.number().int().positive() }))
    .mutation(({ ctx, input }) => ctx.auth.adminResetFactors(ctx.principal, input.userId, ctx.meta)),

  /** The applications that sign their users in with this service (OpenID Connect), revoked ones too; never a secret. */
  oidcClients: protectedProcedure
    .meta({ access: "admin", errors: ["FORBIDDEN"] })
    .query(({ ctx }) => ctx.auth.adminListOidcClients(ctx.principal)),

  /** Revokes an application: its codes and tokens stop working at once. Needs the admin's own step-up. Audited. */
  revokeOidcClient: protectedProcedure
    .meta({ access: "admin", stepUp: true, errors: ["FORBIDDEN", "STEP_UP_REQUIRED", "NOT_FOUND"] })
    .input(z.object({ clientId: z.string().trim().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.adminRevokeOidcClient(ctx.principal, input.clientId, ctx.meta);
      return { revoked: true as const };
    }),
} satisfies TRPCRouterRecord;
