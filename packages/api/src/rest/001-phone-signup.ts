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

const timestampSchema = z.string().meta({
  description:
    "When the answer was made: UTC, to the millisecond, with the offset written `+0000` as the document shows. " +
    "Not RFC 3339 (which wants `Z` or `+00:00`), hence no `format: date-time`; JavaScript's `Date.parse` reads it.",
  pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+0000$",
  examples: ["2025-01-31T08:15:30.123+0000"],
});

const base = z
  .object({
    timestamp: timestampSchema,
    errorCode: z.null(),
    errorMessage: z.literal(""),
    success: z.literal(true),
  })
  .meta({ id: "PhoneSignupEnvelope" });

/** Example values: no real person, number or token. */
const PHONE = "081234567890";
const example = (extra: Record<string, unknown> = {}) => ({ ...envelope(200, "", extra), timestamp: "2025-01-31T08:15:30.123+0000" });

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
  errorSchema: z
    .object({
      timestamp: timestampSchema,
      errorCode: z.number().int().meta({ description: "The HTTP status, repeated." }),
      errorMessage: z.string(),
      success: z.literal(false),
    })
    .meta({ id: "PhoneSignupError" }),
  routes: [
    defineRoute({
      method: "POST",
      path: "/user/sign-up",
      operationId: "phoneSignupSignUp",
      summary: "Sign up with name, email, phone number and birth date",
      body: z.object({ name: z.string().trim().min(1).max(FULL_NAME_MAX_LENGTH), email: emailInput, phoneNumber: phoneInput, birthDate: z.iso.date() }),
      response: { status: 200, schema: base },
      errors: { 400: BAD_REQUEST, 409: "phone or email already taken", 429: "too many sign-ups from this address" },
      example: { body: { name: "Budi Santoso", email: "budi@example.com", phoneNumber: PHONE, birthDate: "1990-04-17" }, response: example() },
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
      operationId: "phoneSignupVerifyPhone",
      summary: "Send a login code by SMS (the same answer for unknown numbers)",
      body: z.object({ phoneNumber: phoneString }),
      response: {
        status: 200,
        schema: base
          .extend({
            content: z.object({
              verificationCode: z.string().optional().meta({ description: "The code itself, only while the dev outbox answers the request (never in production)." }),
              expiresIn: z.number().int().meta({ description: "Seconds until the code expires." }),
            }),
          })
          .meta({ id: "PhoneSignupCodeSent" }),
      },
      errors: { 400: "Bad Request: Invalid number format", 429: "too many requests from this address" },
      example: { body: { phoneNumber: PHONE }, response: example({ content: { expiresIn: 300 } }) },
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
      operationId: "phoneSignupLogin",
      summary: "Log in with phone number and code; answers an opaque bearer token",
      body: z.object({ phoneNumber: phoneString, verificationCode: codeInput }),
      response: {
        status: 200,
        schema: base
          .extend({
            content: z.object({
              accessToken: z.string().meta({ description: "An opaque bearer token, sent as `Authorization: Bearer`." }),
              tokenType: z.literal("bearer"),
              expiresIn: z.number().int().meta({ description: "Seconds until the access token expires." }),
              scope: z.literal("read write trust"),
            }),
          })
          .meta({ id: "PhoneSignupToken" }),
      },
      errors: { 401: UNAUTHORIZED, 429: "too many wrong codes" },
      example: {
        body: { phoneNumber: PHONE, verificationCode: "123456" },
        response: example({ content: { accessToken: "not-a-real-token-0123456789abcdef", tokenType: "bearer", expiresIn: 86400, scope: "read write trust" } }),
      },
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
      operationId: "phoneSignupFirebaseToken",
      summary: "A Firebase custom token (RS256) for the signed-in user",
      query: z.object({ userId: z.string().meta({ description: "The user's id (digits): one's own, or any for an admin.", examples: ["42"] }) }),
      bearer: true,
      response: {
        status: 200,
        schema: base.extend({ value: z.string().meta({ description: "A Firebase custom token (an RS256 JWT) for that user." }) }).meta({ id: "PhoneSignupFirebaseToken" }),
      },
      errors: {
        401: `${UNAUTHORIZED} Also every id but the caller's own, unless the caller is an admin.`,
        404: "Not found: Cannot found user with id {id}. Only an admin gets it (an id no user has); anyone else gets 401.",
      },
      example: { response: example({ value: "eyJhbGciOiJSUzI1NiJ9.eyJ1aWQiOiI0MiJ9.not-a-real-signature" }) },
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
