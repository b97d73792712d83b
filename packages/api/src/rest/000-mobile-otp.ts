/**
 * Family 000 (seeds/000_*.txt): mobile OTP. Envelope `{code, success, payload: {message,
 * data: [...]}}` with the HTTP status equal to `code`.
 *
 * Decisions where the document is silent (see also docs/decisions.md):
 * - `id` is the user's id as a string; `mobile` echoes the number as the client sent it.
 * - `expired` is the code's expiry in epoch milliseconds.
 * - New users get the role `customer`; `role` in the login body is a wish: a role the user
 *   does not hold answers 403. Without `role` the token carries the user's own role.
 * - `otp_code` may come as a string or a number (zero-padded to 6 digits).
 * - Resend inside the cooldown: 429 with Retry-After. Renewal (`/authorization/{id}`) takes
 *   an expired token while its session lives, rotates, and a reused token revokes the session.
 */
import { AuthError, type AuthErrorCode } from "@authsvc/core";
import { z } from "zod";
import { defineRoute, englishMalformed, fromTable, type RestFamily } from "./framework";
import { parseUserId } from "./ids";
import { codeInput, phoneInput } from "./inputs";

const envelope = (code: number, message: string, data: unknown[]) => ({ code, success: code < 400, payload: { message, data } });

const STATUS: Partial<Record<AuthErrorCode, [number, string]>> = {
  INVALID_PHONE: [400, "Invalid mobile number"],
  INVALID_INPUT: [400, "Invalid request"],
  USER_NOT_FOUND: [404, "Authentication not found"],
  NOT_FOUND: [404, "Authentication not found"],
  INVALID_CODE: [400, "Invalid or expired OTP code"],
  CODE_EXPIRED: [400, "Invalid or expired OTP code"],
  // A right code for an account with a second factor: the wrong-code refusal, saying why (CONTRACTS.md).
  SECOND_FACTOR_REQUIRED: [400, "Second factor required: this account signs in with its authenticator app or passkey"],
  ROLE_NOT_HELD: [403, "Role is not allowed for this user"],
  UNAUTHORIZED: [401, "Invalid or expired access token"],
  TOKEN_REUSED: [401, "Invalid or expired access token"],
  RESEND_COOLDOWN: [429, "Please wait before requesting a new OTP"],
  TOO_MANY_ATTEMPTS: [429, "Too many wrong OTP codes, please try again later"],
  RATE_LIMITED: [429, "Too many requests, please try again later"],
  DELIVERY_FAILED: [503, "OTP could not be sent, please try again"],
};

const userId = z.string().meta({ description: "The user's id: digits, as a string.", examples: ["42"] });
const authData = z
  .object({
    id: userId,
    mobile: z.string().meta({ description: "The number as the client sent it." }),
    expired: z.number().int().meta({ description: "When the code expires, in milliseconds since the Unix epoch." }),
  })
  .meta({ id: "MobileOtpAuthentication" });
const tokenData = z
  .object({ id: userId, access_token: z.string().meta({ description: "A JWT (claims sub, role, iat, exp), sent as `Authorization: Bearer`." }) })
  .meta({ id: "MobileOtpToken" });
const ok = (data: z.ZodType) =>
  z.object({
    code: z.number().int().meta({ description: "The HTTP status, repeated." }),
    success: z.literal(true),
    payload: z.object({ message: z.string(), data: z.array(data) }),
  });
const authAnswer = ok(authData).meta({ id: "MobileOtpAuthenticationAnswer" });
const tokenAnswer = ok(tokenData).meta({ id: "MobileOtpTokenAnswer" });

/** Example values: a number as a client in Indonesia writes it, and a token that is no real one. */
const MOBILE = "081234567890";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiIsInJvbGUiOiJjdXN0b21lciJ9.not-a-real-signature";
const EXPIRED = 1767225900000;

/** The path id must be a user id some row can have; anything else cannot name an authentication. */
function userIdParam(raw: string | undefined): number {
  const id = parseUserId(raw);
  if (id === undefined) throw new AuthError("USER_NOT_FOUND");
  return id;
}

export const mobileOtpFamily: RestFamily = {
  id: "000",
  title: "Mobile OTP (family 000)",
  prefixes: ["/api/v1/authentication", "/api/v1/authorization"],
  errorBody: (status, message) => envelope(status, message, []),
  fromAuthError: fromTable(STATUS),
  malformed: englishMalformed,
  errorSchema: ok(z.never()).extend({ success: z.literal(false) }).meta({ id: "MobileOtpError" }),
  routes: [
    defineRoute({
      method: "POST",
      path: "/api/v1/authentication",
      operationId: "mobileOtpCreate",
      summary: "Find or create a user by mobile number and send a login code by SMS",
      body: z.object({ mobile_number: phoneInput }),
      response: { status: 201, schema: authAnswer },
      errors: { 400: "invalid number", 429: "too many codes" },
      example: {
        body: { mobile_number: MOBILE },
        response: envelope(201, "Create new authentication successfully", [{ id: "42", mobile: MOBILE, expired: EXPIRED }]),
      },
      async run({ auth, input, meta }) {
        const sent = await auth.requestPhoneCode({ phone: input.mobile_number, createIfMissing: true, role: "customer" }, meta);
        const data = [{ id: String(sent.user!.id), mobile: input.mobile_number, expired: sent.expiresAt }];
        return { status: 201, body: envelope(201, "Create new authentication successfully", data) };
      },
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/v1/authentication/:id",
      operationId: "mobileOtpResend",
      summary: "Send a new login code",
      body: z.object({ mobile_number: phoneInput }),
      response: { status: 200, schema: authAnswer },
      errors: { 404: "unknown id, or id and number do not belong together", 429: "inside the resend cooldown" },
      example: { body: { mobile_number: MOBILE }, response: envelope(200, "Resend OTP successfully", [{ id: "42", mobile: MOBILE, expired: EXPIRED }]) },
      async run({ auth, input, params, meta }) {
        const sent = await auth.resendPhoneCode({ userId: userIdParam(params.id), phone: input.mobile_number }, meta);
        const data = [{ id: String(sent.user!.id), mobile: input.mobile_number, expired: sent.expiresAt }];
        return { status: 200, body: envelope(200, "Resend OTP successfully", data) };
      },
    }),
    defineRoute({
      method: "PUT",
      path: "/api/v1/authentication/:id",
      operationId: "mobileOtpLogin",
      summary: "Log in with the code; answers a JWT with sub, role, iat, exp",
      body: z.object({ mobile_number: phoneInput, otp_code: codeInput, role: z.string().trim().min(1).max(32).optional() }),
      response: { status: 200, schema: tokenAnswer },
      errors: { 400: "wrong or expired code", 403: "a role the user does not hold", 429: "too many wrong codes" },
      example: {
        body: { mobile_number: MOBILE, otp_code: "123456", role: "customer" },
        response: envelope(200, "Login successfully", [{ id: "42", access_token: TOKEN }]),
      },
      async run({ auth, input, params, meta }) {
        const s = await auth.loginWithPhoneCode(
          { phone: input.mobile_number, code: input.otp_code, userId: userIdParam(params.id) },
          { type: "jwt", role: input.role },
          meta,
        );
        return { status: 200, body: envelope(200, "Login successfully", [{ id: String(s.user.id), access_token: s.token }]) };
      },
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/v1/authorization/:id",
      operationId: "mobileOtpRenew",
      summary: "Renew an access token (rotates; the old one cannot renew again)",
      body: z.object({ mobile_number: phoneInput, access_token: z.string().min(1).max(4096) }),
      response: { status: 200, schema: tokenAnswer },
      errors: { 401: "token not ours, revoked, or past the session's lifetime", 404: "id and number do not belong together" },
      example: {
        body: { mobile_number: MOBILE, access_token: TOKEN },
        response: envelope(200, "Verify authorization successfully", [{ id: "42", access_token: TOKEN }]),
      },
      async run({ auth, input, params, meta }) {
        const userId = userIdParam(params.id);
        await auth.assertPhoneBelongsTo(userId, input.mobile_number);
        const s = await auth.renewAccessToken(input.access_token, meta, { userId });
        return { status: 200, body: envelope(200, "Verify authorization successfully", [{ id: String(s.user.id), access_token: s.token }]) };
      },
    }),
  ],
};
