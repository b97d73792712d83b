import { passwordProblem, type PasskeyAssertion, type PendingRegistration, type SecondStepProof } from "@authsvc/core";
import { FULL_NAME_MAX_LENGTH } from "@authsvc/core/vocabulary";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { clearSessionCookie, deliveryInput, protectedProcedure, publicProcedure, signedInResponse, tokenRequestFor } from "../trpc";
import { CHECKS_CODE, SENDS_CODE } from "../errors";
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
  checkPassword: publicProcedure.meta({ errors: [] }).input(z.object({ password: s.password })).mutation(({ ctx, input }) => ({
    problem: passwordProblem(input.password, ctx.auth.options.password),
    minLength: ctx.auth.options.password.minLength,
    maxLength: ctx.auth.options.password.maxLength,
  })),

  /** Sign-up, pending until the emailed code comes back: no user exists before that. */
  register: publicProcedure
    .meta({ errors: ["INVALID_EMAIL", "INVALID_PHONE", "INVALID_USERNAME", "WEAK_PASSWORD", "EMAIL_TAKEN", "PHONE_TAKEN", "USERNAME_TAKEN", "TOO_MANY_ATTEMPTS", "RATE_LIMITED", "DELIVERY_FAILED"] })
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
  passwordPolicy: publicProcedure.meta({ errors: [] }).query(({ ctx }) => ({
    minLength: ctx.auth.options.password.minLength,
    maxLength: ctx.auth.options.password.maxLength,
  })),

  /** Where a pending sign-up stands: still `pending` (with its timers) or `verified`. */
  registrationStatus: publicProcedure
    .meta({ errors: ["VERIFICATION_NOT_FOUND", "VERIFICATION_EXPIRED"] })
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
    .meta({ errors: ["INVALID_EMAIL", "VERIFICATION_NOT_FOUND", ...SENDS_CODE] })
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

  /** The emailed code completes the sign-up: the account is created and signed in. */
  verifyRegistration: publicProcedure
    .meta({ errors: [...CHECKS_CODE, "VERIFICATION_NOT_FOUND", "EMAIL_TAKEN", "PHONE_TAKEN", "USERNAME_TAKEN"] })
    .input(z.object({ verificationId: z.string().min(1).max(64), code: s.code, delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.completeRegistration(input, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  /** Code to an account's unverified email (accounts created with a password, family 002). */
  sendEmailVerification: publicProcedure
    .meta({ errors: ["INVALID_EMAIL", "RESEND_COOLDOWN", "TOO_MANY_ATTEMPTS", "RATE_LIMITED"] })
    .input(z.object({ email: s.email, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.sendEmailVerification(input.email, ctx.meta, input.locale);
      return { ok: true as const, resendIn: sent.resendInSec };
    }),

  /** The emailed code proves the address and signs in (the account created with a password). */
  verifyEmail: publicProcedure
    .meta({ errors: ["INVALID_EMAIL", ...CHECKS_CODE, "SECOND_FACTOR_REQUIRED"] })
    .input(z.object({ email: s.email, code: s.code, delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.verifyEmailAndSignIn(input, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  /** Find-or-create by phone: a new number becomes an account; the code goes by SMS. */
  requestPhoneCode: publicProcedure
    .meta({ errors: ["INVALID_PHONE", "USER_NOT_FOUND", ...SENDS_CODE] })
    .input(z.object({ phone: s.phone, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.requestPhoneCode({ phone: input.phone, createIfMissing: true }, ctx.meta, input.locale);
      return { phone: sent.phone, expiresAt: sent.expiresAt, resendIn: sent.resendInSec };
    }),

  /** The SMS code signs in and proves the number. */
  loginWithPhoneCode: publicProcedure
    .meta({ errors: ["INVALID_PHONE", "RATE_LIMITED", ...CHECKS_CODE, "SECOND_FACTOR_REQUIRED"] })
    .input(z.object({ phone: s.phone, code: s.code, delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.loginWithPhoneCode(input, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  /** Email, phone number or username, with the password; an email must be verified first. */
  loginWithPassword: publicProcedure
    .meta({ errors: ["RATE_LIMITED", "INVALID_CREDENTIALS", "ACCOUNT_DISABLED", "EMAIL_NOT_VERIFIED", "SECOND_FACTOR_REQUIRED"] })
    .input(z.object({ identifier: s.identifier, password: s.password, delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(
        ctx,
        await ctx.auth.loginWithPassword(input, tokenRequestFor(input.delivery), ctx.meta),
      ),
    ),

  /** Username and PIN; an unknown user, a wrong or locked PIN all answer INVALID_CREDENTIALS. */
  loginWithPin: publicProcedure
    .meta({ errors: ["RATE_LIMITED", "INVALID_CREDENTIALS", "SECOND_FACTOR_REQUIRED"] })
    .input(z.object({ username: s.username, pin: z.string().max(64), delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.loginWithPin(input, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  /**
   * The second step of a sign-in that answered SECOND_FACTOR_REQUIRED (its `data.ticket`): an
   * authenticator code or a recovery code, with the delivery the first step asked for.
   */
  secondStep: publicProcedure
    .meta({ errors: ["SECOND_STEP_EXPIRED", "TOO_MANY_ATTEMPTS", "INVALID_CODE", "PASSKEY_REFUSED", "ACCOUNT_DISABLED"] })
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
    .meta({ errors: ["SECOND_STEP_EXPIRED", "PASSKEYS_UNAVAILABLE", "FACTOR_NOT_FOUND"] })
    .input(z.object({ ticket: s.ticket, delivery: deliveryInput }))
    .mutation(({ ctx, input }) => ctx.auth.secondStepPasskeyOptions(input.ticket, tokenRequestFor(input.delivery), ctx.meta)),

  /** Options for a sign-in with a passkey and no username; the browser may offer them as autofill. */
  passkeyOptions: publicProcedure
    .meta({ errors: ["RATE_LIMITED", "PASSKEYS_UNAVAILABLE"] })
    .mutation(({ ctx }) => ctx.auth.passkeySignInOptions(ctx.meta)),

  /** A sign-in with a passkey: the answer to `passkeyOptions`' ceremony. */
  loginWithPasskey: publicProcedure
    .meta({ errors: ["RATE_LIMITED", "PASSKEY_REFUSED", "PASSKEYS_UNAVAILABLE"] })
    .input(s.passkeyAssertion.extend({ delivery: deliveryInput }))
    .mutation(async ({ ctx, input }) =>
      signedInResponse(ctx, await ctx.auth.loginWithPasskey(input as PasskeyAssertion, tokenRequestFor(input.delivery), ctx.meta)),
    ),

  /** Same answer whether or not the account exists. */
  forgotPassword: publicProcedure
    .meta({ errors: ["INVALID_EMAIL", "INVALID_PHONE", "INVALID_USERNAME", "RESEND_COOLDOWN", "TOO_MANY_ATTEMPTS", "RATE_LIMITED"] })
    .input(z.object({ identifier: s.identifier, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const sent = await ctx.auth.requestPasswordReset({ identifier: input.identifier, link: true }, ctx.meta, input.locale);
      return { ok: true as const, resendIn: sent.resendInSec };
    }),

  /** A reset code and a new password; every session of the account is signed out. */
  resetPassword: publicProcedure
    .meta({ errors: ["WEAK_PASSWORD", "RATE_LIMITED", ...CHECKS_CODE] })
    .input(z.object({ identifier: s.identifier, code: s.code, newPassword: s.password, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.resetPasswordWithCode(input, ctx.meta, input.locale);
      return { ok: true as const, signedOutEverywhere: true as const };
    }),

  /** Whether an emailed reset link can still be used (`{usable}`), so a dead one is said before a password is typed. */
  resetLinkStatus: publicProcedure
    .meta({ errors: [] })
    .input(z.object({ token: z.string().min(1).max(256) }))
    .query(async ({ ctx, input }) => ({ usable: await ctx.auth.resetLinkUsable(input.token) })),

  /** The emailed reset link's token and a new password; the link works once, and every session is signed out. */
  resetPasswordWithLink: publicProcedure
    .meta({ errors: ["WEAK_PASSWORD", "UNAUTHORIZED"] })
    .input(z.object({ token: z.string().min(1).max(256), newPassword: s.password, locale: s.locale }))
    .mutation(async ({ ctx, input }) => {
      const principal = await ctx.auth.resetLinkHolder(input.token);
      await ctx.auth.changePassword(principal, { newPassword: input.newPassword }, ctx.meta, input.locale);
      return { ok: true as const, signedOutEverywhere: true as const };
    }),

  /** A new access token for one whose session lives, even if the token itself expired. */
  renew: publicProcedure
    .meta({ errors: ["UNAUTHORIZED", "TOKEN_REUSED"] })
    .input(z.object({ accessToken: z.string().min(1).max(4096) }))
    .mutation(async ({ ctx, input }) => signedInResponse(ctx, await ctx.auth.renewAccessToken(input.accessToken, ctx.meta))),

  /** Ends the session making the request (and clears the web cookie). */
  logout: protectedProcedure.meta({ errors: [] }).mutation(async ({ ctx }) => {
    await ctx.auth.logout(ctx.principal, ctx.meta);
    if (ctx.credential?.from === "cookie") clearSessionCookie(ctx);
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
