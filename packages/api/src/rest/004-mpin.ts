/**
 * Family 004 (seeds/004_*.txt): username + MPIN (banking). Envelope `{status, message, data}`.
 *
 * Decisions where the document is silent (see also docs/decisions.md):
 * - Login answers the documented 400 for an unknown user, a wrong PIN and a locked PIN
 *   alike (10 wrong PINs in a row lock it until reset by code).
 * - Re-login needs a bearer token of a live session: 401 without one; a wrong, locked or
 *   unset PIN is the documented 400 "Pin is invalid". A right PIN renews the session's
 *   proof of presence (for PIN and password changes).
 * - Forgot password: `idCustomers` (number or numeric string) is the customer number,
 *   `accountNumber` the account number, `mpin` the PIN; they must name one user, else the
 *   documented 400 "Invalid username". A wrong PIN there counts toward the PIN lock.
 * - Setup new password: the code from that email; "Invalid username" for a username no user
 *   has (core reads it as a wrong code); "Invalid OTP" for a wrong, expired or used code,
 *   "Password does not meet criteria" for our policy (8–128, not common); the new password
 *   signs out every session.
 * - Error answers carry `data: null`, as the login error shows, on every route.
 */
import { AuthError, isAuthError, type AuthErrorCode } from "@authsvc/core";
import { z } from "zod";
import { defineRoute, englishMalformed, fromTable, type RestFamily } from "./framework";
import { codeInput, pinInput, servicePassword } from "./inputs";

const envelope = (ok: boolean, message: string, data: unknown = null) => ({ status: ok ? "success" : "error", message, data });

const INVALID_LOGIN = "Username or Password is invalid";

const userDetails = z
  .object({ username: z.string(), status: z.string().meta({ description: "`ACTIVE`, `PENDING_VERIFICATION` or `DISABLED`." }) })
  .meta({ id: "MpinUserDetails" });
const ok = (data: z.ZodType) => z.object({ status: z.literal("success"), message: z.string(), data });
const done = z.object({ status: z.literal("success"), message: z.string() }).meta({ id: "MpinDone" });

/** Example values: no real person, PIN or token. */
const USERNAME = "budi.santoso";
const EXAMPLE_PIN = "902734";
const DETAILS = { username: USERNAME, status: "ACTIVE" };

/** Each route words the same core error its own documented way. */
const messages = (table: Partial<Record<AuthErrorCode, [number, string]>>) => table;

const COMMON = messages({
  RATE_LIMITED: [429, "Too many requests, please try again later"],
  TOO_MANY_ATTEMPTS: [429, "Too many attempts, please try again later"],
  RESEND_COOLDOWN: [429, "Please wait before requesting a new code"],
  UNAUTHORIZED: [401, "Unauthorized"],
  DELIVERY_FAILED: [503, "The email could not be sent, please try again"],
});

const BY_CODE = messages({
  ...COMMON,
  INVALID_CREDENTIALS: [400, INVALID_LOGIN],
  INVALID_PIN: [400, "Pin is invalid"],
  // A right PIN for an account with a second factor: the wrong-login refusal, saying why (CONTRACTS.md).
  SECOND_FACTOR_REQUIRED: [400, "This account needs its second factor to sign in"],
  PIN_LOCKED: [400, "Pin is invalid"],
  PIN_NOT_SET: [400, "Pin is invalid"],
  USER_NOT_FOUND: [400, "Invalid username"],
  INVALID_USERNAME: [400, "Invalid username"],
  WEAK_PASSWORD: [400, "Password does not meet criteria"],
  INVALID_CODE: [400, "Invalid OTP"],
  CODE_EXPIRED: [400, "Invalid OTP"],
});

export const mpinFamily: RestFamily = {
  id: "004",
  title: "Username + MPIN (family 004)",
  prefixes: ["/v1/auth"],
  errorBody: (_status, message) => envelope(false, message),
  fromAuthError: fromTable(BY_CODE),
  malformed: {
    ...englishMalformed,
    // Bad input reads as the route's documented failure.
    validation: (issues, route) => {
      if (route.path.endsWith("/login")) return INVALID_LOGIN;
      if (route.path.endsWith("/relogin")) return "Pin is invalid";
      const field = String(issues[0]?.path[0] ?? "");
      if (field === "otpCode") return "Invalid OTP";
      if (field === "newPassword") return "Password does not meet criteria";
      return "Invalid username";
    },
    internal: "Internal server error",
  },
  errorSchema: z.object({ status: z.literal("error"), message: z.string(), data: z.null() }).meta({ id: "MpinError" }),
  routes: [
    defineRoute({
      method: "POST",
      path: "/v1/auth/login",
      operationId: "mpinLogin",
      summary: "Log in with username and MPIN",
      body: z.object({ username: z.string().trim().min(1).max(64), mpin: pinInput }),
      response: {
        status: 200,
        schema: ok(
          z.object({ token: z.string().meta({ description: "A JWT (claims sub, role, iat, exp), sent as `Authorization: Bearer`." }), userDetails }),
        ).meta({ id: "MpinLoginAnswer" }),
      },
      errors: { 400: INVALID_LOGIN, 429: "too many attempts" },
      example: {
        body: { username: USERNAME, mpin: EXAMPLE_PIN },
        response: envelope(true, "Login success", { token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.not-a-real-signature", userDetails: DETAILS }),
      },
      async run({ auth, input, meta }) {
        const s = await auth.loginWithPin({ username: input.username, pin: input.mpin }, { type: "jwt" }, meta);
        const data = { token: s.token, userDetails: { username: s.user.username, status: s.user.status } };
        return { status: 200, body: envelope(true, "Login success", data) };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/v1/auth/relogin",
      operationId: "mpinRelogin",
      summary: "Re-log-in with the MPIN on an existing session",
      body: z.object({ mpin: pinInput }),
      bearer: true,
      response: { status: 200, schema: ok(z.object({ userDetails })).meta({ id: "MpinReloginAnswer" }) },
      errors: { 400: "Pin is invalid", 401: "no or bad token", 429: "too many PIN checks from this address" },
      example: { body: { mpin: EXAMPLE_PIN }, response: envelope(true, "Login success", { userDetails: DETAILS }) },
      async run({ auth, input, bearer, meta }) {
        const principal = auth.requireSession(await auth.authenticate(bearer ?? ""));
        const user = await auth.reloginWithPin(principal, input.mpin, meta);
        return { status: 200, body: envelope(true, "Login success", { userDetails: { username: user.username, status: user.status } }) };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/v1/auth/forgot-password",
      operationId: "mpinForgotPassword",
      summary: "Email a password reset code to the user named by customer id, account number and MPIN",
      body: z.object({
        idCustomers: z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d{1,16}$/).transform(Number)]),
        accountNumber: z.union([z.string().trim(), z.number().int().nonnegative().transform(String)]).pipe(z.string().max(32)),
        mpin: pinInput,
      }),
      response: { status: 200, schema: done },
      errors: { 400: "Invalid username", 429: "too many emails from this address" },
      example: {
        body: { idCustomers: 1234567, accountNumber: "0012345678", mpin: EXAMPLE_PIN },
        response: { status: "success", message: "Password reset instructions sent to your email" },
      },
      async run({ auth, input, meta }) {
        await auth.requestPasswordResetByAccount({ customerNumber: input.idCustomers, accountNumber: input.accountNumber, pin: input.mpin }, meta);
        return { status: 200, body: { status: "success", message: "Password reset instructions sent to your email" } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/v1/auth/setup-new-password",
      operationId: "mpinSetupNewPassword",
      summary: "Set a new account password with the emailed code",
      body: z.object({ username: z.string().trim().min(1).max(64), newPassword: servicePassword, otpCode: codeInput }),
      response: { status: 200, schema: done },
      errors: { 400: "Invalid username / Password does not meet criteria / Invalid OTP", 429: "too many code checks from this address" },
      example: {
        body: { username: USERNAME, newPassword: "a-new-long-passphrase", otpCode: "123456" },
        response: { status: "success", message: "Password successfully updated" },
      },
      async run({ auth, input, meta }) {
        try {
          await auth.resetPasswordWithCode({ username: input.username, code: input.otpCode, newPassword: input.newPassword }, meta);
        } catch (e) {
          // Core answers an unknown username like a wrong code; this document names it. Asked
          // only after core's limits have counted the request.
          if (isAuthError(e) && e.code === "INVALID_CODE" && !(await auth.findUserByUsername(input.username))) throw new AuthError("USER_NOT_FOUND");
          throw e;
        }
        return { status: 200, body: { status: "success", message: "Password successfully updated" } };
      },
    }),
  ],
};
