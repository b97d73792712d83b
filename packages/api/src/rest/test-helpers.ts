/**
 * Helpers for the REST shims' tests: plain HTTP through the fetch handler, the envelope
 * checks of ../testing.ts (shared with the web app's tests against the production server),
 * and shortcuts to users in a known state. Built on the tRPC harness (test/harness.ts).
 */
import { expect } from "vitest";
import { expect000, expect001, expect002, expect003, expect004, PASS, type Wire } from "../testing";
import { setup, type SetupOptions } from "../test/harness";

export { advance, fakeDate, MINUTE, realTimersAfterEach, resetLinkTokenIn } from "../test/harness";
export * from "../testing";

export const JSON_CT = { "content-type": "application/json" } as const;

/** A 6-digit PIN that is not trivial. */
export const PIN = "902734";
export const OTHER_PIN = "550271";

export interface RestInit {
  token?: string;
  headers?: Record<string, string>;
  remote?: string;
}

export function restSetup(opts: SetupOptions = {}) {
  // Family 003's document shows Uzbek numbers: its clients run with Uzbekistan among the SMS countries.
  const h = setup({ ...opts, options: { smsCountries: ["ID", "UZ"], ...opts.options } });

  /** Any REST call; `body` is sent as JSON (a string is sent as is). */
  function call(method: string, path: string, body?: unknown, init: RestInit = {}): Promise<Wire> {
    const headers: Record<string, string> = {
      "user-agent": "vitest",
      accept: "application/json",
      ...(body !== undefined ? JSON_CT : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    };
    return h.raw(
      path,
      { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body), redirect: "manual" },
      init.remote,
    );
  }

  const userCount = async () => Number((await h.sql.get("select count(*) as n from users"))!.n);
  const userIdByPhone = async (e164: string) => (await h.sql.get("select id from users where phone = ?", e164))?.id as number | undefined;
  const makeAdmin = (id: number) => h.sql.run("update users set role = 'admin' where id = ?", id);

  /** tRPC user.me with any token, over the wire. */
  async function me(token: string) {
    const res = await h.query("user.me", undefined, { token });
    return res;
  }

  /** The newest code sent to `to` (any purpose unless given). */
  async function code(to: string, purpose?: string): Promise<string> {
    const m = (await h.auth.listOutbox(to)).filter((x) => !purpose || x.purpose === purpose)[0];
    expect(m?.code, `a code sent to ${to}`).toMatch(/^\d{6}$/);
    return m!.code!;
  }

  /** Family 003 register + verify: a verified user with a username, email and password. */
  async function verifiedUser(u: { username: string; email: string; password?: string; phone?: string }) {
    const reg = await call("POST", "/api/v1/auth/register", {
      username: u.username,
      email: u.email,
      password: u.password ?? PASS,
      fullname: "John Doe",
      ...(u.phone ? { phone: u.phone } : {}),
    });
    expect(reg.status, reg.text).toBe(200);
    const ver = await call("POST", "/api/v1/auth/verify", { code: (await code(u.email, "signup")), verificationId: reg.body.verificationId });
    expect(ver.status, ver.text).toBe(200);
    return { id: ver.body.user.id as number, token: ver.body.token as string };
  }

  /** A verified user with a PIN set through tRPC `pin.set` right after sign-in. */
  async function userWithPin(u: { username: string; email: string; pin?: string }) {
    const v = await verifiedUser(u);
    const set = await h.mutate("pin.set", { pin: u.pin ?? PIN }, { token: v.token });
    expect(set.status, set.text).toBe(200);
    return v;
  }

  /** Family 000: find or create by number, then log in with the SMS code. */
  async function phoneLogin000(mobile: string, role: string | undefined = "customer") {
    const created = await call("POST", "/api/v1/authentication/", { mobile_number: mobile });
    expect(created.status, created.text).toBe(201);
    const id = created.body.payload.data[0].id as string;
    const login = await call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: mobile, otp_code: (await code(mobile, "login")), ...(role ? { role } : {}) });
    expect(login.status, login.text).toBe(200);
    return { id, token: login.body.payload.data[0].access_token as string };
  }

  /** Family 001: verify-phone + login; answers the opaque bearer token. */
  async function phoneLogin001(phone: string) {
    const v = await call("POST", "/verify-phone", { phoneNumber: phone });
    expect(v.status, v.text).toBe(200);
    const login = await call("POST", "/login", { phoneNumber: phone, verificationCode: (await code(phone, "login")) });
    expect(login.status, login.text).toBe(200);
    return login.body.content.accessToken as string;
  }

  /** Family 002: register, send-otp, otp-verify; answers the JWT. */
  async function emailUser002(email: string, password = PASS, fullname = "Siti Nurhaliza") {
    const reg = await call("POST", "/auth/register", { email, password, fullname });
    expect(reg.status, reg.text).toBe(200);
    const sent = await call("POST", "/auth/send-otp", { email });
    expect(sent.status, sent.text).toBe(200);
    const ver = await call("POST", "/auth/otp-verify", { email, otp_number: (await code(email, "verify_email")) });
    expect(ver.status, ver.text).toBe(200);
    return ver.body.token as string;
  }

  return { ...h, call, userCount, userIdByPhone, makeAdmin, me, code, verifiedUser, userWithPin, phoneLogin000, phoneLogin001, emailUser002 };
}

export type RestHarness = ReturnType<typeof restSetup>;

// ---------------------------------------------------------------- the 23 documented routes

export type FamilyId = "000" | "001" | "002" | "003" | "004";

/** Every documented (method, path) pair, written from seeds/*.txt (paths as the seeds spell them). */
export const SEED_ROUTES: { family: FamilyId; method: "GET" | "POST" | "PUT" | "PATCH"; path: string; success: number }[] = [
  // seeds/000: mobile OTP
  { family: "000", method: "POST", path: "/api/v1/authentication/", success: 201 },
  { family: "000", method: "PATCH", path: "/api/v1/authentication/{id}/", success: 200 },
  { family: "000", method: "PUT", path: "/api/v1/authentication/{id}/", success: 200 },
  { family: "000", method: "PATCH", path: "/api/v1/authorization/{id}/", success: 200 },
  // seeds/001: phone sign-up
  { family: "001", method: "POST", path: "/user/sign-up", success: 200 },
  { family: "001", method: "POST", path: "/verify-phone", success: 200 },
  { family: "001", method: "POST", path: "/login", success: 200 },
  { family: "001", method: "GET", path: "/3p/token", success: 200 },
  // seeds/002: email + password
  { family: "002", method: "POST", path: "/auth/register", success: 200 },
  { family: "002", method: "POST", path: "/auth/send-otp", success: 200 },
  { family: "002", method: "POST", path: "/auth/otp-verify", success: 200 },
  { family: "002", method: "POST", path: "/auth/login", success: 200 },
  { family: "002", method: "POST", path: "/auth/send-forgot-password", success: 200 },
  { family: "002", method: "PATCH", path: "/auth/update-password", success: 200 },
  // seeds/003: base url /api/v1/auth
  { family: "003", method: "POST", path: "/api/v1/auth/login", success: 200 },
  { family: "003", method: "POST", path: "/api/v1/auth/register", success: 200 },
  { family: "003", method: "GET", path: "/api/v1/auth/status", success: 200 },
  { family: "003", method: "POST", path: "/api/v1/auth/resend", success: 200 },
  { family: "003", method: "POST", path: "/api/v1/auth/verify", success: 200 },
  // seeds/004: username + MPIN
  { family: "004", method: "POST", path: "/v1/auth/login", success: 200 },
  { family: "004", method: "POST", path: "/v1/auth/relogin", success: 200 },
  { family: "004", method: "POST", path: "/v1/auth/forgot-password", success: 200 },
  { family: "004", method: "POST", path: "/v1/auth/setup-new-password", success: 200 },
];

export const ENVELOPE: Record<FamilyId, (res: Wire, status: number, message?: string) => unknown> = {
  "000": expect000,
  "001": expect001,
  "002": expect002,
  "003": expect003,
  "004": expect004,
};

/** The error message of any family's error body. */
export function errorMessageOf(family: FamilyId, body: Record<string, any>): string {
  switch (family) {
    case "000":
      return body.payload?.message;
    case "001":
      return body.errorMessage;
    case "002":
      return body.error;
    default:
      return body.message;
  }
}
