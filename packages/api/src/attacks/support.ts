/**
 * Support for the attack-replay tests (issue 10): a fresh service per test reached only
 * through the API's fetch handler, with the client address of each request chosen (the
 * per-address limits are part of what is attacked), optional transports (a provider that
 * never answers, or one that always fails), and options the typed input may not know yet.
 */
import type { AuthOptionsInput, OutboxView } from "@authsvc/core";
import type { Transport, Transports } from "@authsvc/core";
import { createTestAuth } from "@authsvc/core/testing";
import { expect } from "vitest";
import { createApiHandler, trustNobody, type ApiHandlerOptions } from "../index";
import { jwtPayload, toWire, type Wire } from "../testing";

export { jwtPayload, type Wire };

export const ATTACKER_IP = "198.51.100.7";
export const VICTIM_IP = "203.0.113.20";
export const OTHER_IP = "192.0.2.44";

export const ATTACKER_MAIL = "mallory@attacker.example";
export const VICTIM_MAIL = "siti.victim@example.com";
/** Indonesian numbers (the default country), E.164. */
export const VICTIM_PHONE = "+6281234567801";
export const ATTACKER_PHONE = "+6281234567802";

export const PASS = "Kopi-Susu-Gula-42";
export const PASS2 = "Teh-Manis-Dingin-77";
export const ATTACKER_PASS = "attacker pass 1234!";

/** Time: only Date is faked, per test; shared with the other API tests. */
export { advance, fakeDate, MINUTE, realTimersAfterEach, resetLinkTokenIn } from "../test/harness";

/** A provider that accepts the message and never answers. */
export const hangingTransport: Transport = { name: "hanging", send: () => new Promise<void>(() => {}) };
/** A provider that is down. */
export const failingTransport: Transport = {
  name: "failing",
  send: async () => {
    throw new Error("provider unavailable");
  },
};

export interface AttackSetup {
  /** Options as a plain object: some are the ones issue 10 adds (smsCountries, ...). */
  options?: Record<string, unknown>;
  handler?: Partial<ApiHandlerOptions>;
  transports?: Partial<Transports>;
}

export function attackSetup(opts: AttackSetup = {}) {
  const { auth, sql, hasher } = createTestAuth(
    opts.options as Partial<AuthOptionsInput> | undefined,
    opts.transports ? { transports: opts.transports } : {},
  );
  const handler = createApiHandler(auth, { trustProxy: trustNobody, devOutbox: "on", ...opts.handler });

  async function send(req: Request, remoteAddress: string): Promise<Wire> {
    return toWire(await handler.fetch(req, { remoteAddress }));
  }

  /** Any REST call from `ip`; `body` is sent as JSON. */
  function call(ip: string, method: string, path: string, body?: unknown, token?: string): Promise<Wire> {
    const headers: Record<string, string> = {
      "user-agent": "vitest-attack",
      accept: "application/json",
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    return send(
      new Request(`http://localhost${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
        redirect: "manual",
      }),
      ip,
    );
  }

  /** A tRPC mutation from `ip`. */
  const mutate = (ip: string, name: string, input?: unknown, token?: string) => call(ip, "POST", `/api/trpc/${name}`, input ?? {}, token);

  /** A tRPC query from `ip`. */
  const query = (ip: string, name: string, input?: unknown, token?: string) =>
    call(ip, "GET", `/api/trpc/${name}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, undefined, token);

  /** tRPC user.me over the wire: the account a token opens. */
  async function me(token: string, ip = OTHER_IP): Promise<Record<string, any>> {
    const res = await query(ip, "user.me", undefined, token);
    expect(res.status, `user.me with this token: ${res.text}`).toBe(200);
    return res.body.result.data;
  }

  /** Session ids a token's account can see (session.list). */
  async function sessionIds(token: string, ip = OTHER_IP): Promise<string[]> {
    const res = await query(ip, "session.list", undefined, token);
    expect(res.status, `session.list: ${res.text}`).toBe(200);
    return (res.body.result.data as { id: string }[]).map((s) => s.id);
  }

  const outbox = (to?: string): Promise<OutboxView[]> => auth.listOutbox(to);

  /** The newest code sent to `to` (for `purpose` when given). */
  async function code(to: string, purpose?: string): Promise<string> {
    const m = (await auth.listOutbox(to)).filter((x) => !purpose || x.purpose === purpose)[0];
    expect(m?.code, `a ${purpose ?? ""} code sent to ${to}`).toMatch(/^\d{6}$/);
    return m!.code!;
  }

  /** A 6-digit code that is surely not the newest one sent to `to`. */
  async function wrongCode(to?: string, purpose?: string): Promise<string> {
    const right = to ? (await auth.listOutbox(to)).filter((x) => !purpose || x.purpose === purpose)[0]?.code : undefined;
    return right === "111111" ? "222222" : "111111";
  }

  const userCount = async () => Number((await sql.get("select count(*) as n from users"))!.n);
  const usersWithPhone = async (e164: string) => Number((await sql.get("select count(*) as n from users where phone = ?", e164))!.n);
  const userIdByPhone = async (e164: string) => (await sql.get("select id from users where phone = ?", e164))?.id as number | undefined;
  const auditKinds = async () => (await sql.all("select kind from audit_events order by id")).map((r) => String(r.kind));

  // ------------------------------------------------------------ doors, step by step

  /** Family 001: verify-phone then login with the SMS code; the opaque token. */
  async function phoneLogin001(ip: string, phone: string): Promise<string> {
    const v = await call(ip, "POST", "/verify-phone", { phoneNumber: phone });
    expect(v.status, `001 /verify-phone: ${v.text}`).toBe(200);
    const login = await call(ip, "POST", "/login", { phoneNumber: phone, verificationCode: (await code(phone, "login")) });
    expect(login.status, `001 /login with the code sent to the phone: ${login.text}`).toBe(200);
    return login.body.content.accessToken as string;
  }

  /** Family 000: authentication then login with the code; the id answered and the JWT. */
  async function phoneLogin000(ip: string, phone: string): Promise<{ id: string; token: string }> {
    const created = await call(ip, "POST", "/api/v1/authentication/", { mobile_number: phone });
    expect(created.status, `000 POST /api/v1/authentication/: ${created.text}`).toBe(201);
    const postedId = created.body.payload.data[0].id as string;
    const login = await call(ip, "PUT", `/api/v1/authentication/${postedId}/`, { mobile_number: phone, otp_code: (await code(phone, "login")) });
    expect(login.status, `000 PUT /api/v1/authentication/${postedId}/ with the code: ${login.text}`).toBe(200);
    return { id: login.body.payload.data[0].id as string, token: login.body.payload.data[0].access_token as string };
  }

  /** tRPC: requestPhoneCode then loginWithPhoneCode; the access token. */
  async function phoneLoginTrpc(ip: string, phone: string): Promise<{ token: string; sessionId: string }> {
    const sent = await mutate(ip, "auth.requestPhoneCode", { phone });
    expect(sent.status, `auth.requestPhoneCode: ${sent.text}`).toBe(200);
    const login = await mutate(ip, "auth.loginWithPhoneCode", { phone, code: (await code(phone, "login")) });
    expect(login.status, `auth.loginWithPhoneCode: ${login.text}`).toBe(200);
    return { token: login.body.result.data.accessToken as string, sessionId: login.body.result.data.sessionId as string };
  }

  /** Family 002: send-otp and otp-verify for an email already on an account; the JWT. */
  async function proveEmail002(ip: string, email: string): Promise<string> {
    const sent = await call(ip, "POST", "/auth/send-otp", { email });
    expect(sent.status, `002 /auth/send-otp: ${sent.text}`).toBe(200);
    const ver = await call(ip, "POST", "/auth/otp-verify", { email, otp_number: (await code(email, "verify_email")) });
    expect(ver.status, `002 /auth/otp-verify with the emailed code: ${ver.text}`).toBe(200);
    return ver.body.token as string;
  }

  /** Family 002: register + prove the email; the JWT. */
  async function emailUser002(ip: string, email: string, password = PASS): Promise<string> {
    const reg = await call(ip, "POST", "/auth/register", { email, password, fullname: "Siti Nurhaliza" });
    expect(reg.status, `002 /auth/register: ${reg.text}`).toBe(200);
    return proveEmail002(ip, email);
  }

  /** Family 002 password login; the whole answer. */
  const login002 = (ip: string, email: string, password: string) => call(ip, "POST", "/auth/login", { email, password });

  /** Family 003 register + verify; the user id and the JWT. */
  async function verifiedUser003(ip: string, u: { username: string; email: string; password?: string; phone?: string }) {
    const reg = await call(ip, "POST", "/api/v1/auth/register", {
      username: u.username,
      email: u.email,
      password: u.password ?? PASS,
      fullname: "John Doe",
      ...(u.phone ? { phone: u.phone } : {}),
    });
    expect(reg.status, `003 /register: ${reg.text}`).toBe(200);
    const ver = await call(ip, "POST", "/api/v1/auth/verify", { code: (await code(u.email, "signup")), verificationId: reg.body.verificationId });
    expect(ver.status, `003 /verify: ${ver.text}`).toBe(200);
    return { id: ver.body.user.id as number, token: ver.body.token as string };
  }

  /** A signed-in person proves the phone on their own account (tRPC user.requestVerification). */
  async function provePhoneSignedIn(ip: string, token: string, phone: string) {
    const sent = await mutate(ip, "user.requestVerification", { channel: "phone" }, token);
    expect(sent.status, `user.requestVerification: ${sent.text}`).toBe(200);
    const ok = await mutate(ip, "user.confirmVerification", { channel: "phone", code: (await code(phone, "verify_phone")) }, token);
    expect(ok.status, `user.confirmVerification: ${ok.text}`).toBe(200);
    expect(ok.body.result.data.phoneVerified).toBe(true);
  }

  return {
    auth,
    sql,
    /** Counts the argon2 calls this service makes. */
    hasher,
    handler,
    call,
    mutate,
    query,
    me,
    sessionIds,
    outbox,
    code,
    wrongCode,
    userCount,
    usersWithPhone,
    userIdByPhone,
    auditKinds,
    phoneLogin001,
    phoneLogin000,
    phoneLoginTrpc,
    proveEmail002,
    emailUser002,
    login002,
    verifiedUser003,
    provePhoneSignedIn,
  };
}

export type AttackHarness = ReturnType<typeof attackSetup>;

/** Fails (with `what`) when `p` has not settled after `ms` of real time. */
export async function within<T>(p: Promise<T>, what: string, ms = 2_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A family 001 body without its timestamp, for comparing two answers. */
export function withoutTimestamp(body: Record<string, unknown>): Record<string, unknown> {
  const { timestamp: _t, ...rest } = body;
  return rest;
}
