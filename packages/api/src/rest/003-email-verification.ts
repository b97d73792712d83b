/**
 * Family 003 (seeds/003_*.txt): sign-up verified by `verificationId`, base `/api/v1/auth`.
 * Success bodies as documented; errors `{message}`.
 *
 * Decisions where the document is silent (see also docs/decisions.md):
 * - No user exists until `/verify`: the registration (password already hashed) waits in a
 *   challenge whose id is the `verificationId`.
 * - `birthday` is `DD.MM.YYYY` in and out; `phone` is optional and stored in E.164.
 * - `/status`: 404 for an unknown id, 410 once expired, replaced by a resend, or beaten by
 *   another registration of the email verified first.
 * - `/resend` for an email with no pending registration: 404; inside the cooldown: 429. It
 *   replaces only a registration the asking client made; for anyone else it starts one of
 *   the email alone (core's resendRegistration). Registrations of one email are
 *   independent; the first verified wins, the others then answer 410 / 400.
 * - `code` is read as family 002 reads `otp_number` (inputs.ts): a JSON number is zero-padded.
 * - `user.id` is a number; `role` reads `User` (or `Admin`); no secret is ever in `user`.
 * - `/login` accepts any verified account with a password, whichever door created it.
 */
import type { AuthErrorCode, PublicUser } from "@authsvc/core";
import { FULL_NAME_MAX_LENGTH, USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH, USERNAME_PATTERN } from "@authsvc/core/vocabulary";
import { z } from "zod";
import { defineRoute, englishMalformed, fromTable, type RestFamily } from "./framework";
import { codeInput, emailInput, phoneInput, servicePassword } from "./inputs";

// A weak password is not listed: core's own message names the bound it broke, so no copy of
// the policy lives here.
const STATUS: Partial<Record<AuthErrorCode, [number, string]>> = {
  INVALID_INPUT: [400, "Invalid request"],
  INVALID_EMAIL: [400, "Invalid email"],
  INVALID_PHONE: [400, "Invalid phone number"],
  INVALID_USERNAME: [400, "Invalid username"],
  EMAIL_TAKEN: [409, "Email is already taken"],
  PHONE_TAKEN: [409, "Phone is already taken"],
  USERNAME_TAKEN: [409, "Username is already taken"],
  VERIFICATION_NOT_FOUND: [404, "Verification not found"],
  VERIFICATION_EXPIRED: [410, "Verification expired"],
  INVALID_CODE: [400, "Invalid or expired code"],
  CODE_EXPIRED: [400, "Invalid or expired code"],
  TOO_MANY_ATTEMPTS: [400, "Too many attempts"],
  RESEND_COOLDOWN: [429, "Please wait before requesting a new code"],
  RATE_LIMITED: [429, "Too many requests"],
  INVALID_CREDENTIALS: [401, "Invalid email or password"],
  // A right password for an account with a second factor: the wrong-password refusal, saying why (CONTRACTS.md).
  SECOND_FACTOR_REQUIRED: [401, "This account needs its second factor to sign in"],
  EMAIL_NOT_VERIFIED: [401, "Invalid email or password"],
  ACCOUNT_DISABLED: [401, "Invalid email or password"],
  DELIVERY_FAILED: [503, "The code could not be sent, try again later"],
};

/** `DD.MM.YYYY`, a real calendar date. */
const birthday = z
  .string()
  .regex(/^\d{2}\.\d{2}\.\d{4}$/)
  .meta({ description: "`DD.MM.YYYY`, a real calendar date." })
  .transform((v) => {
    const [d, m, y] = v.split(".");
    return `${y}-${m}-${d}`;
  })
  .pipe(z.iso.date());

const toDotted = (iso: string | null) => (iso ? iso.split("-").reverse().join(".") : null);

export function userView(u: PublicUser) {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    phone: u.phone,
    fullname: u.fullName,
    birthday: toDotted(u.birthDate),
    profile_picture: u.pictureUrl,
    bio: u.bio,
    role: u.role === "admin" ? "Admin" : "User",
    created_at: new Date(u.createdAt).toISOString(),
    updated_at: new Date(u.updatedAt).toISOString(),
  };
}

const instant = z.string().meta({ format: "date-time", description: "UTC, RFC 3339 with milliseconds (`…Z`)." });

const userSchema = z
  .object({
    id: z.number().int(),
    username: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable().meta({ description: "E.164 (`+62812…`)." }),
    fullname: z.string().nullable(),
    birthday: z.string().nullable().meta({ description: "`DD.MM.YYYY`." }),
    profile_picture: z.string().nullable(),
    bio: z.string().nullable(),
    role: z.string().meta({ description: "`User` or `Admin`." }),
    created_at: instant,
    updated_at: instant,
  })
  .meta({ id: "EmailVerificationUser" });

const timeOut = z.number().int().meta({ description: "Seconds until the code (and its verificationId) expires." });
const pendingSchema = z
  .object({ message: z.string(), email: z.string(), timeOut, verificationId: z.string() })
  .meta({ id: "EmailVerificationPending" });

/** Example values: no real person or token. */
const EMAIL = "john@example.com";
const VERIFICATION_ID = "c0ffee00-5a7e-4c3b-9d2a-0e6f8a1c4b7d";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiIsInJvbGUiOiJ1c2VyIn0.not-a-real-signature";
const USER = {
  id: 42,
  username: "johndoe",
  email: EMAIL,
  phone: "+6281234567890",
  fullname: "John Doe",
  birthday: "17.04.1990",
  profile_picture: null,
  bio: null,
  role: "User",
  created_at: "2025-01-31T08:15:30.123Z",
  updated_at: "2025-01-31T08:15:30.123Z",
};

export const emailVerificationFamily: RestFamily = {
  id: "003",
  title: "Email verification by id (family 003)",
  prefixes: ["/api/v1/auth"],
  errorBody: (_status, message) => ({ message }),
  fromAuthError: fromTable(STATUS),
  malformed: englishMalformed,
  errorSchema: z.object({ message: z.string() }).meta({ id: "EmailVerificationError" }),
  routes: [
    defineRoute({
      method: "POST",
      path: "/api/v1/auth/register",
      operationId: "emailVerificationRegister",
      summary: "Register; the user exists once the emailed code is verified",
      body: z.object({
        username: z.string().trim().min(1).max(64).meta({
          minLength: USERNAME_MIN_LENGTH,
          maxLength: USERNAME_MAX_LENGTH,
          pattern: USERNAME_PATTERN,
          description: "Letters, digits, dots, dashes and underscores.",
        }),
        email: emailInput,
        phone: phoneInput.optional().nullable(),
        password: servicePassword,
        fullname: z.string().trim().min(1).max(FULL_NAME_MAX_LENGTH),
        profile_picture: z.string().trim().max(2048).optional().nullable(),
        bio: z.string().trim().max(2000).optional().nullable(),
        birthday: birthday.optional().nullable(),
      }),
      response: { status: 200, schema: pendingSchema },
      errors: { 400: "validation, or a password the policy refuses", 409: "username, email or phone taken", 429: "too many sign-ups" },
      example: {
        body: { username: "johndoe", email: EMAIL, phone: "081234567890", password: "correct-horse-battery", fullname: "John Doe", birthday: "17.04.1990" },
        response: { message: "Verification code sent to your email", email: EMAIL, timeOut: 300, verificationId: VERIFICATION_ID },
      },
      async run({ auth, input, meta }) {
        const p = await auth.startRegistration(
          {
            email: input.email,
            password: input.password,
            username: input.username,
            phone: input.phone,
            fullName: input.fullname,
            birthDate: input.birthday,
            bio: input.bio,
            pictureUrl: input.profile_picture,
          },
          meta,
        );
        const body = { message: "Verification code sent to your email", email: p.email, timeOut: p.expiresInSec, verificationId: p.verificationId };
        return { status: 200, body };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/v1/auth/status",
      operationId: "emailVerificationStatus",
      summary: "Whether a registration is still pending (with seconds left) or verified",
      query: z.object({ id: z.string().meta({ description: "The verificationId that register or resend answered." }) }),
      response: {
        status: 200,
        schema: z.union([
          z.object({ message: z.literal("Verification code sent to email"), email: z.string(), timeOut }),
          z.object({ message: z.literal("Email successfuly verified"), email: z.string() }),
        ]),
      },
      errors: { 404: "unknown id", 410: "expired" },
      example: { response: { message: "Verification code sent to email", email: EMAIL, timeOut: 240 } },
      async run({ auth, query }) {
        const id = (query.get("id") ?? "").slice(0, 64);
        const s = await auth.registrationStatus(id);
        return s.state === "verified"
          ? { status: 200, body: { message: "Email successfuly verified", email: s.email } }
          : { status: 200, body: { message: "Verification code sent to email", email: s.email, timeOut: s.expiresInSec } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/v1/auth/resend",
      operationId: "emailVerificationResend",
      summary: "A new code and verificationId; the old code stops working",
      body: z.object({ email: emailInput }),
      response: { status: 200, schema: pendingSchema },
      errors: { 404: "no pending registration for that email", 429: "inside the resend cooldown" },
      example: { body: { email: EMAIL }, response: { message: "Verification code sent to email", email: EMAIL, timeOut: 300, verificationId: VERIFICATION_ID } },
      async run({ auth, input, meta }) {
        // Anyone may ask by email: the registration completes without the registrant's password and phone (core).
        const p = await auth.resendRegistration({ email: input.email }, meta);
        return {
          status: 200,
          body: { message: "Verification code sent to email", email: p.email, timeOut: p.expiresInSec, verificationId: p.verificationId },
        };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/v1/auth/verify",
      operationId: "emailVerificationVerify",
      summary: "Verify the code; creates the user and answers it with a token",
      body: z.object({ code: codeInput, verificationId: z.string().min(1).max(64) }),
      response: { status: 200, schema: z.object({ message: z.literal("Successfuly registered"), user: userSchema, token: z.string() }) },
      errors: { 400: "wrong or expired code, too many tries", 409: "taken meanwhile" },
      example: { body: { code: "123456", verificationId: VERIFICATION_ID }, response: { message: "Successfuly registered", user: USER, token: TOKEN } },
      // The document answers 400 here for every id that cannot be verified, an unknown one too
      // (where /status answers 404): the same words as a wrong code.
      mapError: (e) => (e.code === "VERIFICATION_NOT_FOUND" ? { status: 400, message: STATUS.INVALID_CODE![1] } : undefined),
      async run({ auth, input, meta }) {
        const s = await auth.completeRegistration({ verificationId: input.verificationId, code: input.code }, { type: "jwt" }, meta);
        return { status: 200, body: { message: "Successfuly registered", user: userView(auth.publicUser(s.user)), token: s.token } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/v1/auth/login",
      operationId: "emailVerificationLogin",
      summary: "Log in with email and password",
      body: z.object({ email: emailInput, password: z.string().min(1).max(1024) }),
      response: { status: 200, schema: z.object({ message: z.literal("Successfuly login"), user: userSchema, token: z.string() }) },
      errors: { 401: "wrong email or password", 429: "too many wrong passwords" },
      example: { body: { email: EMAIL, password: "correct-horse-battery" }, response: { message: "Successfuly login", user: USER, token: TOKEN } },
      async run({ auth, input, meta }) {
        const s = await auth.loginWithPassword({ identifier: input.email, password: input.password }, { type: "jwt" }, meta);
        return { status: 200, body: { message: "Successfuly login", user: userView(auth.publicUser(s.user)), token: s.token } };
      },
    }),
  ],
};
