/**
 * Family 002 (seeds/002_*.txt): email + password, messages in Indonesian. Success
 * `{message, token?}`, errors `{error}`.
 *
 * Decisions where the document is silent (see also docs/decisions.md):
 * - Success messages are the document's, word for word; error messages are ours, in
 *   Indonesian, one per failure.
 * - Register and update-password keep the document's password bounds (6–20, owned here and
 *   passed to core's policy, which still refuses a common password); every other door keeps
 *   the service's policy. Both refusals answer 400.
 * - Login accepts any stored password length (an account may have set a longer one through
 *   another door); wrong email and wrong password share one 401 message; a right password
 *   on an unverified email is 403.
 * - send-otp and send-forgot-password answer the same 200 for unknown (or, for send-otp,
 *   already verified) emails and send nothing.
 * - The password given at register survives otp-verify only when the proof comes from the
 *   registering client soon after registering (core's users/registrant.ts); otherwise the
 *   token opens the account without it, and its holder sets one with update-password.
 * - The JWT also carries `_id`, `username` (the username, else the email) and `roles`, as a
 *   claims profile: a renewal through any door derives them again from the user as it is then.
 * - The reset email carries a code and a `/reset-password?token=…` link; the link's token is
 *   a bearer token good once, for 30 minutes, for `PATCH /auth/update-password` only.
 * - update-password asks for no current password (the document has none), so it needs a
 *   session signed in within the last 10 minutes (a login, a code) or the reset link's
 *   token: an older token alone answers 401. It signs out every other session (every
 *   session, for a reset link).
 */
import { AuthError, isAuthError, type AuthErrorCode, type ClaimsProfile } from "@authsvc/core";
import { z } from "zod";
import { defineRoute, fromTable, type RestFamily } from "./framework";
import { checkedEmail, codeInput, emailInput } from "./inputs";

const SECOND_FACTOR = "Akun ini memerlukan faktor kedua untuk masuk";

const STATUS: Partial<Record<AuthErrorCode, [number, string]>> = {
  INVALID_INPUT: [400, "Data yang dikirim tidak valid"],
  INVALID_EMAIL: [400, "Format email tidak valid"],
  EMAIL_TAKEN: [409, "Email sudah terdaftar"],
  INVALID_CODE: [400, "Kode OTP salah atau sudah kedaluwarsa"],
  CODE_EXPIRED: [400, "Kode OTP salah atau sudah kedaluwarsa"],
  TOO_MANY_ATTEMPTS: [429, "Terlalu banyak percobaan kode OTP, coba lagi nanti"],
  RESEND_COOLDOWN: [429, "Harap tunggu sebelum meminta kode baru"],
  RATE_LIMITED: [429, "Terlalu banyak permintaan, coba lagi nanti"],
  INVALID_CREDENTIALS: [401, "Email atau password salah"],
  // A right password for an account with a second factor: the wrong-password refusal, saying why (CONTRACTS.md).
  SECOND_FACTOR_REQUIRED: [401, SECOND_FACTOR],
  EMAIL_NOT_VERIFIED: [403, "Akun belum diverifikasi, harap verifikasi email Anda"],
  ACCOUNT_DISABLED: [403, "Akun dinonaktifkan"],
  UNAUTHORIZED: [401, "Token tidak valid atau sudah kedaluwarsa"],
  REAUTH_REQUIRED: [401, "Sesi sudah terlalu lama, harap login ulang sebelum mengganti password"],
  DELIVERY_FAILED: [503, "Email tidak dapat dikirim, coba lagi nanti"],
};

/** The name of this family's claims profile: its tokens, and their renewals by any door, carry these. */
const CLAIMS_PROFILE = "002";
const claims: ClaimsProfile = (user) => ({ _id: String(user.id), username: user.username ?? user.email, roles: user.role });
const JWT = { type: "jwt", profile: CLAIMS_PROFILE } as const;

/** The document's bounds for `password` (register) and `new_password` (update-password). */
const DOCUMENTED_PASSWORD = { minLength: 6, maxLength: 20 };
const PASSWORD_LENGTH = `Password harus ${DOCUMENTED_PASSWORD.minLength} sampai ${DOCUMENTED_PASSWORD.maxLength} karakter`;
const COMMON_PASSWORD = "Password terlalu umum, pilih password lain";
/** The document's bounds for `fullname` (register). */
const FULLNAME = { min: 4, max: 28 };
// Lengths are core's check under the bounds above (its answer and the validation's are one
// message, whichever comes first); an empty string would read as no password. The document
// states the bounds.
const passwordString = z.string().min(1).meta({
  ...DOCUMENTED_PASSWORD,
  description: `${DOCUMENTED_PASSWORD.minLength} to ${DOCUMENTED_PASSWORD.maxLength} characters; a common password is refused (400).`,
});

const fromStatus = fromTable(STATUS, [400, "Permintaan tidak valid"]);
const message = (m: string) => z.object({ message: z.literal(m) });
const withToken = (m: string) =>
  z.object({
    message: z.literal(m),
    token: z.string().meta({ description: "A JWT (claims sub, _id, username, roles, iat, exp), sent as `Authorization: Bearer`." }),
  });

/** Example values: no real person or token. */
const EMAIL = "siti@example.com";
const PASSWORD = "kopi-tubruk-42";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiIsInJvbGVzIjoidXNlciJ9.not-a-real-signature";

export const emailPasswordFamily: RestFamily = {
  id: "002",
  title: "Email + password (family 002)",
  prefixes: ["/auth"],
  errorBody: (_status, error) => ({ error }),
  // Passwords are set only by register and update-password, both under the document's bounds.
  fromAuthError: (e) =>
    e.code === "WEAK_PASSWORD"
      ? { status: 400, message: e.detail.reason === "common" ? COMMON_PASSWORD : PASSWORD_LENGTH }
      : e.code === "SECOND_FACTOR_REQUIRED" && e.detail.field === "otp_number"
        ? { status: 400, message: SECOND_FACTOR } // otp-verify's wrong-code status
        : fromStatus(e),
  malformed: {
    json: "Body JSON tidak valid",
    contentType: "Content-Type harus application/json",
    tooLarge: "Body permintaan terlalu besar",
    notFound: "Halaman tidak ditemukan",
    validation: (issues) => {
      const field = String(issues[0]?.path[0] ?? "");
      if (field === "email") return "Format email tidak valid";
      if (field === "password" || field === "new_password") return PASSWORD_LENGTH;
      if (field === "fullname") return `Nama lengkap harus ${FULLNAME.min} sampai ${FULLNAME.max} karakter`;
      if (field === "otp_number") return "Kode OTP harus 6 digit";
      return "Data yang dikirim tidak valid";
    },
    internal: "Terjadi kesalahan pada server",
  },
  errorSchema: z.object({ error: z.string().meta({ description: "What went wrong, in Indonesian." }) }).meta({ id: "EmailPasswordError" }),
  claimsProfiles: { [CLAIMS_PROFILE]: claims },
  routes: [
    defineRoute({
      method: "POST",
      path: "/auth/register",
      operationId: "emailPasswordRegister",
      summary: "Register with email, password and full name (verify the email next)",
      body: z.object({ email: checkedEmail, password: passwordString, fullname: z.string().trim().min(FULLNAME.min).max(FULLNAME.max) }),
      response: { status: 200, schema: message("Akun Sudah Berhasil Teregistrasi, Harap Untuk Memverfikasi Akun Anda") },
      errors: { 400: "validation, or a common password", 409: "email taken", 429: "too many sign-ups from this address" },
      example: {
        body: { email: EMAIL, password: PASSWORD, fullname: "Siti Nurhaliza" },
        response: { message: "Akun Sudah Berhasil Teregistrasi, Harap Untuk Memverfikasi Akun Anda" },
      },
      async run({ auth, input, meta }) {
        await auth.createAccount({ email: input.email, password: input.password, passwordBounds: DOCUMENTED_PASSWORD, fullName: input.fullname }, meta);
        return { status: 200, body: { message: "Akun Sudah Berhasil Teregistrasi, Harap Untuk Memverfikasi Akun Anda" } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/auth/send-otp",
      operationId: "emailPasswordSendOtp",
      summary: "Send a 6-digit verification code by email",
      body: z.object({ email: checkedEmail }),
      response: { status: 200, schema: message("Harap Untuk Cek Email Anda Untuk Token Verifikasi") },
      errors: { 400: "validation", 429: "inside the resend cooldown" },
      example: { body: { email: EMAIL }, response: { message: "Harap Untuk Cek Email Anda Untuk Token Verifikasi" } },
      async run({ auth, input, meta }) {
        await auth.sendEmailVerification(input.email, meta, "id");
        return { status: 200, body: { message: "Harap Untuk Cek Email Anda Untuk Token Verifikasi" } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/auth/otp-verify",
      operationId: "emailPasswordVerifyOtp",
      summary: "Verify the email with its code; answers a JWT",
      body: z.object({ email: emailInput, otp_number: codeInput }),
      response: { status: 200, schema: withToken("berhasil menverifikasi akun") },
      errors: { 400: "wrong or expired code", 429: "too many wrong codes" },
      example: { body: { email: EMAIL, otp_number: "123456" }, response: { message: "berhasil menverifikasi akun", token: TOKEN } },
      async run({ auth, input, meta }) {
        const s = await auth.verifyEmailAndSignIn({ email: input.email, code: input.otp_number }, JWT, meta).catch((e: unknown) => {
          throw isAuthError(e) && e.code === "SECOND_FACTOR_REQUIRED" ? new AuthError(e.code, { field: "otp_number" }) : e;
        });
        return { status: 200, body: { message: "berhasil menverifikasi akun", token: s.token } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/auth/login",
      operationId: "emailPasswordLogin",
      summary: "Log in with email and password; answers a JWT",
      body: z.object({ email: emailInput, password: z.string().min(1).max(1024) }),
      response: { status: 200, schema: withToken("berhasil login") },
      errors: { 401: "wrong email or password", 403: "email not verified yet", 429: "too many wrong passwords" },
      example: { body: { email: EMAIL, password: PASSWORD }, response: { message: "berhasil login", token: TOKEN } },
      async run({ auth, input, meta }) {
        const s = await auth.loginWithPassword({ identifier: input.email, password: input.password }, JWT, meta);
        return { status: 200, body: { message: "berhasil login", token: s.token } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/auth/send-forgot-password",
      operationId: "emailPasswordSendForgotPassword",
      summary: "Email a reset link and code (the same answer for unknown emails)",
      body: z.object({ email: checkedEmail }),
      response: { status: 200, schema: message("harap cek email untuk mengganti password") },
      errors: { 400: "validation", 429: "too many emails from this address" },
      example: { body: { email: EMAIL }, response: { message: "harap cek email untuk mengganti password" } },
      async run({ auth, input, meta }) {
        await auth.requestPasswordReset({ identifier: input.email, link: true }, meta, "id");
        return { status: 200, body: { message: "harap cek email untuk mengganti password" } };
      },
    }),
    defineRoute({
      method: "PATCH",
      path: "/auth/update-password",
      operationId: "emailPasswordUpdatePassword",
      summary: "Set a new password with a bearer token (an access token or the reset link's token)",
      body: z.object({ new_password: passwordString }),
      bearer: true,
      response: { status: 200, schema: message("berhasil mengubah password") },
      errors: { 400: "validation, or a common password", 401: "no or bad token, or a sign-in older than a few minutes" },
      example: { body: { new_password: "teh-manis-2025" }, response: { message: "berhasil mengubah password" } },
      async run({ auth, input, bearer, meta }) {
        const principal = await auth.authenticate(bearer ?? "");
        // A session signed in within the last minutes, or the reset link's token (core's rule); else 401.
        await auth.changePassword(principal, { newPassword: input.new_password, passwordBounds: DOCUMENTED_PASSWORD }, meta, "id");
        return { status: 200, body: { message: "berhasil mengubah password" } };
      },
    }),
  ],
};
