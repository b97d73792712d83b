/**
 * Family 001 (seeds/001_*.txt): phone sign-up. Envelope `{timestamp, errorCode,
 * errorMessage, success, content | value}`; `errorCode` is null on success, else the status.
 *
 * Decisions where the document is silent (see also docs/decisions.md):
 * - `timestamp` is ISO 8601 in UTC written as the document shows (`…+0000`).
 * - Sign-up creates the user at once (no password); 409 when the phone or email is taken.
 * - `POST /verify-phone` answers the same 200 for unknown numbers and sends nothing;
 *   `verificationCode` is in `content` only while the dev outbox answers the request (on, or
 *   local and the request comes from the machine itself: see http/dev-outbox.ts). Any
 *   `phoneNumber` string that is not a number it may text is "Invalid number format"; only a
 *   missing or non-string field is "Invalid request format.".
 * - `POST /login` answers an opaque bearer token (256 random bits, 24 hours, inside a 30-day
 *   session) with `expiresIn` in seconds; every failure with a string `phoneNumber`, a number
 *   or not, is the documented 401 (its only documented failure).
 * - `GET /3p/token`: one's own id, or any id for an admin; another's id is 401, an unknown
 *   id (admins only can learn it) 404 with the documented message.
 */
import type { AuthErrorCode } from "@authsvc/core";
import { FULL_NAME_MAX_LENGTH } from "@authsvc/core/vocabulary";
import { z } from "zod";
import { defineRoute, fromTable, type RestFamily } from "./framework";
import { parseUserId } from "./ids";
import { codeInput, emailInput, phoneInput, phoneString } from "./inputs";

const timestamp = () => new Date().toISOString().replace("Z", "+0000");

const envelope = (status: number, message: string, extra: Record<string, unknown> = {}) => ({
  timestamp: timestamp(),
  errorCode: status < 400 ? null : status,
  errorMessage: status < 400 ? "" : message,
  success: status < 400,
  ...extra,
});

const BAD_REQUEST = "Bad Request: Invalid request format.";
const UNAUTHORIZED = "Unauthorized: You are not allowed to access.";

const STATUS: Partial<Record<AuthErrorCode, [number, string]>> = {
  INVALID_INPUT: [400, BAD_REQUEST],
  INVALID_EMAIL: [400, BAD_REQUEST],
  INVALID_PHONE: [400, "Bad Request: Invalid number format"],
  EMAIL_TAKEN: [409, "Conflict: Email is already registered."],
  PHONE_TAKEN: [409, "Conflict: Phone number is already registered."],
  USERNAME_TAKEN: [409, "Conflict: Username is already registered."],
  INVALID_CODE: [401, UNAUTHORIZED],
  CODE_EXPIRED: [401, UNAUTHORIZED],
  UNAUTHORIZED: [401, UNAUTHORIZED],
  INVALID_CREDENTIALS: [401, UNAUTHORIZED],
  // A right code for an account with a second factor: the wrong-code refusal, saying why (CONTRACTS.md).
  SECOND_FACTOR_REQUIRED: [401, "Unauthorized: This account needs its second factor to sign in."],
  RESEND_COOLDOWN: [429, "Too Many Requests: Please wait before requesting a new code."],
  TOO_MANY_ATTEMPTS: [429, "Too Many Requests: Too many wrong codes, try again later."],
  RATE_LIMITED: [429, "Too Many Requests: Try again later."],
  DELIVERY_FAILED: [503, "Service Unavailable: The code could not be sent, try again."],
};

const base = z.object({
  timestamp: z.string(),
  errorCode: z.null(),
  errorMessage: z.literal(""),
  success: z.literal(true),
});

export const phoneSignupFamily: RestFamily = {
  id: "001",
  title: "Phone sign-up (family 001)",
  prefixes: ["/user", "/3p"],
  webPaths: ["/login"],
  errorBody: (status, message) => envelope(status, message),
  fromAuthError: fromTable(STATUS, [400, BAD_REQUEST]),
  malformed: {
    json: BAD_REQUEST,
    contentType: "Unsupported Media Type: Content-Type must be application/json.",
    tooLarge: "Payload Too Large: The request body is over 64 KiB.",
    notFound: "Not found: No such route.",
    validation: () => BAD_REQUEST,
    internal: "Internal Server Error",
  },
  errorSchema: z.object({ timestamp: z.string(), errorCode: z.number().int(), errorMessage: z.string(), success: z.literal(false) }),
  routes: [
    defineRoute({
      method: "POST",
      path: "/user/sign-up",
      summary: "Sign up with name, email, phone number and birth date",
      body: z.object({ name: z.string().trim().min(1).max(FULL_NAME_MAX_LENGTH), email: emailInput, phoneNumber: phoneInput, birthDate: z.iso.date() }),
      response: { status: 200, schema: base },
      errors: { 400: BAD_REQUEST, 409: "phone or email already taken" },
      // The route documents one 400, whatever field is wrong.
      mapError: (e) => (e.code === "INVALID_PHONE" ? { status: 400, message: BAD_REQUEST } : undefined),
      async run({ auth, input, meta }) {
        await auth.createAccount({ fullName: input.name, email: input.email, phone: input.phoneNumber, birthDate: input.birthDate }, meta);
        return { status: 200, body: envelope(200, "") };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/verify-phone",
      summary: "Send a login code by SMS (the same answer for unknown numbers)",
      body: z.object({ phoneNumber: phoneString }),
      response: {
        status: 200,
        schema: base.extend({ content: z.object({ verificationCode: z.string().optional(), expiresIn: z.number().int() }) }),
      },
      errors: { 400: "Bad Request: Invalid number format", 429: "too many requests from this address" },
      async run({ auth, input, meta, devOutbox }) {
        const sent = await auth.requestPhoneCode({ phone: input.phoneNumber, createIfMissing: false }, meta);
        const expiresIn = Math.max(0, Math.round((sent.expiresAt - Date.now()) / 1000));
        // The message just written: it leaves after this answer, so no transport has blanked its
        // code yet. An unknown number got none.
        const code = devOutbox && sent.user ? (await auth.listOutbox(sent.phone)).find((m) => m.purpose === "login")?.code : undefined;
        const content = code ? { verificationCode: code, expiresIn } : { expiresIn };
        return { status: 200, body: envelope(200, "", { content }) };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/login",
      summary: "Log in with phone number and code; answers an opaque bearer token",
      body: z.object({ phoneNumber: phoneString, verificationCode: codeInput }),
      response: {
        status: 200,
        schema: base.extend({
          content: z.object({
            accessToken: z.string(),
            tokenType: z.literal("bearer"),
            expiresIn: z.number().int(),
            scope: z.literal("read write trust"),
          }),
        }),
      },
      errors: { 401: UNAUTHORIZED, 429: "too many wrong codes" },
      // No code was ever sent to a string that is not a number: the documented 401, like any unknown number.
      mapError: (e) => (e.code === "INVALID_PHONE" ? { status: 401, message: UNAUTHORIZED } : undefined),
      async run({ auth, input, meta }) {
        const s = await auth.loginWithPhoneCode({ phone: input.phoneNumber, code: input.verificationCode }, { type: "bearer" }, meta);
        const content = {
          accessToken: s.token,
          tokenType: "bearer",
          expiresIn: Math.max(0, Math.round((s.expiresAt - Date.now()) / 1000)),
          scope: "read write trust",
        };
        return { status: 200, body: envelope(200, "", { content }) };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/3p/token",
      summary: "A Firebase custom token (RS256) for the signed-in user",
      query: z.object({ userId: z.string() }),
      bearer: true,
      response: { status: 200, schema: base.extend({ value: z.string() }) },
      errors: { 401: UNAUTHORIZED, 404: "Not found: Cannot found user with id {id}" },
      async run({ auth, query, bearer }) {
        const raw = (query.get("userId") ?? "").slice(0, 64);
        const principal = auth.requireSession(await auth.authenticate(bearer ?? ""));
        const userId = parseUserId(raw);
        if (userId === undefined) {
          // An id no row can have: for an admin that is a user we cannot find; for others, not theirs.
          if (principal.user.role !== "admin") return { status: 401, body: envelope(401, UNAUTHORIZED) };
          return { status: 404, body: envelope(404, `Not found: Cannot found user with id ${raw}`) };
        }
        try {
          const value = await auth.firebaseToken(principal, userId);
          return { status: 200, body: envelope(200, "", { value }) };
        } catch (e) {
          if ((e as { code?: string }).code === "USER_NOT_FOUND") {
            return { status: 404, body: envelope(404, `Not found: Cannot found user with id ${raw}`) };
          }
          throw e;
        }
      },
    }),
  ],
};
