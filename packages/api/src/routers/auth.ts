import { AuthError, passwordProblem, type PasskeyAssertion, type PendingRegistration, type SecondStepProof } from "@authsvc/core";
import { FULL_NAME_MAX_LENGTH } from "@authsvc/core/vocabulary";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { clearSessionCookie, deliveryInput, protectedProcedure, publicProcedure, signedInResponse, tokenRequestFor } from "../trpc";
import * as s from "./schemas";

const pendingView = (p: PendingRegistration) => ({
  verificationId: p.verificationId,
  email: p.email,
  expiresAt: p.expiresAt,
  expiresIn: p.expiresInSec,
  resendIn: p.resendInSec,
});

export const authRouter = {
  /** The password policy verdict, for showing it as a person types; stores and logs nothing. */
  checkPassword: publicProcedure.input(z.object({ password: s.password })).mutation(({ ctx, input }) => ({
    problem: passwordProblem(input.password, ctx.auth.options.password),
    minLength: ctx.auth.options.password.minLength,
    maxLength: ctx.auth.options.password.maxLength,
  })),

  /** Sign-up, pending until the emailed code comes back: no user exists before that. */
  register: publicProcedure
    .input(
      z.object({
        email: s.email,
        password: s.password,
        fullName: s.optionalText(FULL_NAME_MAX_LENGTH),
        username: s.username.optional().nullable(),
        phone: s.phone.optional().nullable(),
        birthDate: s.birthDate,
        locale: s.locale,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const p = await ctx.auth.startRegistration(input, ctx.meta, input.locale);
      return pendingView(p);
    }),

  /** The length bounds a new password must keep to, for a form to say before it is sent. */
  passwordPolicy: publicProcedure.query(({ ctx }) => ({
    minLength: ctx.auth.options.password.minLength,
    maxLength: ctx.auth.options.password.maxLength,
  })),

  registrationStatus: publicProcedure
    .input(z.object({ verificationId: z.string().min(1).max(64) }))
    .query(async ({ ctx, input }) => {
      const status = await ctx.auth.registrationStatus(input.verificationId);
      return status.state === "pending"
        ? { state: status.state, email: status.email, expiresIn: status.expiresInSec, resendIn: status.resendInSec }
        : { state: status.state, email: status.email };
    }),

  /**
   * By `verificationId` (what the web app sends): the registration stays as registered. By
   * `email`: whoever asks, so it keeps the registrant's choices only for their own fresh
   * registration (core's resendRegistration).
   */
  resendRegistration: publicProcedure
    .input(
      z.union([
        z.object({ verificationId: z.string().min(1).max(64), locale: s.locale }),
        z.object({ email: s.email, locale: s.locale }),
      ]),
    )
    .mutation(async ({ ctx, input }) => {
      const by = "verificationId" in input ? { verificationId: input.verificationId } : { email: input.email };
      const p = await ctx.auth.resendRegistration(by, ctx.meta, input.locale);
      return pendingView(p);
    }),

  verifyRegistration: publicProcedure
    .input(z.object({ verificationId: z.string().min(1).max(64), code: s.code, delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.completeRegistration(input, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  /** Code to an account's unverified email (accounts created with a password, family 002). */
  sendEmailVerification: publicProcedure
    .input(z.object({ email: s.email, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.sendEmailVerification(input.email, ctx.meta, input.locale);
      return { ok: true as const, resendIn: sent.resendInSec };
    }),

  verifyEmail: publicProcedure
    .input(z.object({ email: s.email, code: s.code, delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.verifyEmailAndSignIn(input, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  /** Find-or-create by phone: a new number becomes an account; the code goes by SMS. */
  requestPhoneCode: publicProcedure
    .input(z.object({ phone: s.phone, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.requestPhoneCode({ phone: input.phone, createIfMissing: true }, ctx.meta, input.locale);
      return { phone: sent.phone, expiresAt: sent.expiresAt, resendIn: sent.resendInSec };
    }),

  loginWithPhoneCode: publicProcedure
    .input(z.object({ phone: s.phone, code: s.code, delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.loginWithPhoneCode(input, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  loginWithPassword: publicProcedure
    .input(z.object({ identifier: s.identifier, password: s.password, delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(
        ctx,
        await ctx.auth.loginWithPassword(input, tokenRequestFor(input.delivery), ctx.meta),
      ),
    ),

  loginWithPin: publicProcedure
    .input(z.object({ username: s.username, pin: z.string().max(64), delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.loginWithPin(input, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  /**
   * The second step of a sign-in that answered SECOND_FACTOR_REQUIRED (its `data.ticket`): an
   * authenticator code or a recovery code, with the delivery the first step asked for.
   */
  secondStep: publicProcedure
    .input(
      z.union([
        z.object({ ticket: s.ticket, totp: s.code, delivery: deliveryInput }),
        z.object({ ticket: s.ticket, recoveryCode: s.recoveryCode, delivery: deliveryInput }),
        z.object({ ticket: s.ticket, passkey: s.passkeyAssertion, delivery: deliveryInput }),
      ]),
    )
    .mutation(async ({ ctx, input }) => {
      const { delivery, ...proof } = input;
      // The passkey's response: its shape checked here, its content by the WebAuthn library in core.
      return signedInResponse(ctx, await ctx.auth.signInSecondStep(proof as SecondStepProof & { ticket: string }, tokenRequestFor(delivery), ctx.meta));
    }),

  /** Options for the second step with one of the ticket's account's passkeys (`navigator.credentials.get`). */
  secondStepPasskeyOptions: publicProcedure
    .input(z.object({ ticket: s.ticket, delivery: deliveryInput }))
    .mutation(({ ctx, input }) => ctx.auth.secondStepPasskeyOptions(input.ticket, tokenRequestFor(input.delivery), ctx.meta)),

  /** Options for a sign-in with a passkey and no username; the browser may offer them as autofill. */
  passkeyOptions: publicProcedure.mutation(({ ctx }) => ctx.auth.passkeySignInOptions(ctx.meta)),

  /** A sign-in with a passkey: the answer to `passkeyOptions`' ceremony. */
  loginWithPasskey: publicProcedure
    .input(s.passkeyAssertion.extend({ delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.loginWithPasskey(input as PasskeyAssertion, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  /** Same answer whether or not the account exists. */
  forgotPassword: publicProcedure
    .input(z.object({ identifier: s.identifier, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.requestPasswordReset({ identifier: input.identifier, link: true }, ctx.meta, input.locale);
      return { ok: true as const, resendIn: sent.resendInSec };
    }),

  resetPassword: publicProcedure
    .input(z.object({ identifier: s.identifier, code: s.code, newPassword: s.password, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.resetPasswordWithCode(input, ctx.meta, input.locale);
      return { ok: true as const, signedOutEverywhere: true as const };
    }),

  /** Whether an emailed reset link can still be used (`{usable}`), so a dead one is said before a password is typed. */
  resetLinkStatus: publicProcedure
    .input(z.object({ token: z.string().min(1).max(256) }))
    .query(async ({ ctx, input }) => ({ usable: await ctx.auth.resetLinkUsable(input.token) })),

  resetPasswordWithLink: publicProcedure
    .input(z.object({ token: z.string().min(1).max(256), newPassword: s.password, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const principal = await ctx.auth.authenticate(input.token);
      if (principal.scope !== "password_reset") throw new AuthError("UNAUTHORIZED");
      await ctx.auth.changePassword(principal, { newPassword: input.newPassword }, ctx.meta, input.locale);
      return { ok: true as const, signedOutEverywhere: true as const };
    }),

  /** A new access token for one whose session lives, even if the token itself expired. */
  renew: publicProcedure
    .input(z.object({ accessToken: z.string().min(1).max(4096) }))
    .mutation(async ({ ctx, input }) => signedInResponse(ctx, await ctx.auth.renewAccessToken(input.accessToken, ctx.meta))),

  logout: protectedProcedure.mutation(async ({ ctx }) => {
    await ctx.auth.logout(ctx.principal, ctx.meta);
    if (ctx.credential?.from === "cookie") clearSessionCookie(ctx);
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
