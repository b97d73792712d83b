/**
 * Issue 19, hole 7: bad input answered 500 (CONTRACTS, general rules). Found on PostgreSQL:
 * an id past the stored integer range (int4) reached the database and failed there; an email
 * with U+0000 did too (PostgreSQL text cannot hold it). A malformed `Host` broke every API
 * route in the server (apps/web/test/bad-input.e2e.test.ts); through the handler it must
 * answer 400 in the family's envelope too. Every answer here is the one an unknown id, an
 * unknown account or a bad request gets, and nothing reaches the error log.
 */
import type { MockInstance } from "vitest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expect000, expect001, expect002, expect003, expect004, expectCleanJson, toWire } from "../testing";
import { ATTACKER_IP, attackSetup, PASS, VICTIM_IP, VICTIM_MAIL, VICTIM_PHONE, withoutTimestamp, type AttackHarness, type Wire } from "./support";

let errors: MockInstance | undefined;
afterEach(() => {
  errors?.mockRestore();
  errors = undefined;
});

/** A harness whose error log the test reads (a 500 logs one line per request). */
function watched(): AttackHarness {
  const h = attackSetup();
  errors = vi.spyOn(h.auth.ctx.log, "error");
  return h;
}

const errorLines = () => errors!.mock.calls.map((c) => JSON.stringify(c));

/** Ids no row can have: past int4 (the stored range on PostgreSQL), past int8, negative, 0. */
const IMPOSSIBLE_IDS = ["99999999999", "2147483648", "4294967296", "9223372036854775808", "0", "-1"];

/** A signed-in admin (family 000's JWT: any family's token is good on every protected route). */
async function admin(h: AttackHarness): Promise<string> {
  const { id, token } = await h.phoneLogin000(VICTIM_IP, VICTIM_PHONE);
  await h.auth.ctx.store.users.update(Number(id), { role: "admin" });
  return token;
}

describe("hole 7: ids no row can have are unknown ids (family 000, 001 and tRPC)", () => {
  it("family 000 PATCH/PUT /authentication/{id}/ and PATCH /authorization/{id}/: 404 as for any unknown id, never 500", async () => {
    const h = watched();
    const { token } = await h.phoneLogin000(VICTIM_IP, VICTIM_PHONE);
    for (const id of IMPOSSIBLE_IDS) {
      const resend = await h.call(ATTACKER_IP, "PATCH", `/api/v1/authentication/${id}/`, { mobile_number: VICTIM_PHONE });
      expect000(resend, 404, "Authentication not found");
      const login = await h.call(ATTACKER_IP, "PUT", `/api/v1/authentication/${id}/`, { mobile_number: VICTIM_PHONE, otp_code: "123456" });
      expect000(login, 404, "Authentication not found");
      const renew = await h.call(ATTACKER_IP, "PATCH", `/api/v1/authorization/${id}/`, { mobile_number: VICTIM_PHONE, access_token: token });
      expect000(renew, 404, "Authentication not found");
    }
    expect(errorLines()).toEqual([]);
  });

  it("family 001 GET /3p/token?userId=: an admin gets 404 'Cannot found user', anyone else 401, never 500", async () => {
    const h = watched();
    const adminToken = await admin(h);
    const userToken = (await h.phoneLogin000(OTHER_PHONE_IP, OTHER_PHONE)).token;
    for (const id of IMPOSSIBLE_IDS) {
      const asAdmin = await h.call(ATTACKER_IP, "GET", `/3p/token?userId=${encodeURIComponent(id)}`, undefined, adminToken);
      expect001(asAdmin, 404, `Not found: Cannot found user with id ${id}`);
      const asUser = await h.call(ATTACKER_IP, "GET", `/3p/token?userId=${encodeURIComponent(id)}`, undefined, userToken);
      expect001(asUser, 401);
    }
    expect(errorLines()).toEqual([]);
  });

  it("tRPC firebase.token, admin.setRole and admin.audit with a userId past int4: NOT_FOUND or an empty page, never 500", async () => {
    const h = watched();
    const token = await admin(h);
    for (const userId of [99_999_999_999, 2_147_483_648, Number.MAX_SAFE_INTEGER]) {
      const fb = await h.query(ATTACKER_IP, "firebase.token", { userId }, token);
      expect(fb.status, fb.text).toBe(404);
      expect(fb.body.error.data.authCode).toBe("USER_NOT_FOUND");
      const role = await h.mutate(ATTACKER_IP, "admin.setRole", { userId, role: "customer" }, token);
      expect(role.status, role.text).toBe(404);
      expect(role.body.error.data.authCode).toBe("USER_NOT_FOUND");
      const audit = await h.query(ATTACKER_IP, "admin.audit", { userId }, token);
      expect(audit.status, audit.text).toBe(200);
      expect(audit.body.result.data).toEqual({ events: [], nextBefore: null });
    }
    expect(errorLines()).toEqual([]);
  });
});

const OTHER_PHONE = "+6281234567803";
const OTHER_PHONE_IP = "192.0.2.45";

/** Emails with U+0000 (PostgreSQL text cannot hold it), where the local part or the domain has it. */
const NUL_EMAILS = [`siti\u0000.victim@example.com`, `${VICTIM_MAIL}\u0000`, `\u0000${VICTIM_MAIL}`, `siti.victim@exa\u0000mple.com`];

describe("hole 7: U+0000 in an email", () => {
  it("a login with it answers exactly as a wrong email or password, on family 002, 003 and tRPC", async () => {
    const h = watched();
    await h.emailUser002(VICTIM_IP, VICTIM_MAIL);
    const wrong002 = await h.call(ATTACKER_IP, "POST", "/auth/login", { email: "nobody@example.com", password: PASS });
    const wrong003 = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/login", { email: "nobody@example.com", password: PASS });
    const wrongTrpc = await h.mutate(ATTACKER_IP, "auth.loginWithPassword", { identifier: "nobody@example.com", password: PASS });
    expect002(wrong002, 401);
    expect003(wrong003, 401);
    expect(wrongTrpc.status).toBe(401);
    for (const email of NUL_EMAILS) {
      const r002 = await h.call(ATTACKER_IP, "POST", "/auth/login", { email, password: PASS });
      expect002(r002, 401);
      expect(r002.body).toEqual(wrong002.body);
      const r003 = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/login", { email, password: PASS });
      expect003(r003, 401);
      expect(r003.body).toEqual(wrong003.body);
      const trpc = await h.mutate(ATTACKER_IP, "auth.loginWithPassword", { identifier: email, password: PASS });
      expect(trpc.status, trpc.text).toBe(401);
      expect(trpc.body).toEqual(wrongTrpc.body);
    }
    expect(errorLines()).toEqual([]);
  });

  it("every other door that takes an email answers a 4xx in its envelope, or the unknown account's answer", async () => {
    const h = watched();
    for (const email of NUL_EMAILS) {
      // Flows that must not tell accounts apart: the same answer as an unknown email.
      const sendOtp = await h.call(ATTACKER_IP, "POST", "/auth/send-otp", { email });
      expect(sendOtp.status, sendOtp.text).toBeLessThan(500);
      expectCleanJson(sendOtp);
      const forgot = await h.call(ATTACKER_IP, "POST", "/auth/send-forgot-password", { email });
      expectCleanJson(forgot);
      const forgotTrpc = await h.mutate(ATTACKER_IP, "auth.forgotPassword", { identifier: email });
      expect(forgotTrpc.status, forgotTrpc.text).toBeLessThan(500);
      // Registrations: a clear 400.
      expect002(await h.call(ATTACKER_IP, "POST", "/auth/register", { email, password: PASS, fullname: "Siti Nurhaliza" }), 400);
      expect003(await h.call(ATTACKER_IP, "POST", "/api/v1/auth/register", { username: "siti_v", email, password: PASS, fullname: "John Doe" }), 400);
      expect001(await h.call(ATTACKER_IP, "POST", "/user/sign-up", { name: "Budi Santoso", email, phoneNumber: "0881829917", birthDate: "1990-01-31" }), 400);
      const resend = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/resend", { email });
      expectCleanJson(resend);
      const otpVerify = await h.call(ATTACKER_IP, "POST", "/auth/otp-verify", { email, otp_number: "123456" });
      expect002(otpVerify, 400);
      const reg = await h.mutate(ATTACKER_IP, "auth.register", { email, password: PASS });
      expect(reg.status, reg.text).toBe(400);
    }
    expect(errorLines()).toEqual([]);
  });
});

/** Host headers no URL can be built from, as a client can send them raw. */
const BAD_HOSTS = ["a b", "[::ffff:127.0.0.1]", "exa mple.com:3000", "example.com:99999", "a@b", "[::1", "bad\\host"];

function withHost(h: AttackHarness, host: string, method: string, path: string, body?: unknown): Promise<Wire> {
  const headers: Record<string, string> = { host, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  return h.handler
    .fetch(new Request(`http://localhost${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), { remoteAddress: ATTACKER_IP })
    .then(toWire);
}

describe("hole 7: a malformed Host is a bad request, in the envelope of the route it names", () => {
  it("each family's routes, tRPC and the service's own routes answer 400, and nothing is logged as an error", async () => {
    const h = watched();
    for (const host of BAD_HOSTS) {
      expect000(await withHost(h, host, "POST", "/api/v1/authentication/", { mobile_number: VICTIM_PHONE }), 400);
      expect000(await withHost(h, host, "PATCH", "/api/v1/authentication/1/", { mobile_number: VICTIM_PHONE }), 400);
      expect001(await withHost(h, host, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 400);
      expect001(await withHost(h, host, "GET", "/3p/token?userId=1"), 400);
      expect002(await withHost(h, host, "POST", "/auth/login", { email: VICTIM_MAIL, password: PASS }), 400);
      expect003(await withHost(h, host, "GET", "/api/v1/auth/status?id=x"), 400);
      expect004(await withHost(h, host, "POST", "/v1/auth/login", { username: "siti", mpin: "123456" }), 400);

      for (const [method, path, body] of [
        ["GET", "/api/trpc/user.me", undefined],
        ["POST", "/api/trpc/auth.forgotPassword", { identifier: VICTIM_MAIL }],
        ["POST", "/api/trpc/auth.forgotPassword,auth.forgotPassword?batch=1", { 0: { identifier: VICTIM_MAIL }, 1: { identifier: VICTIM_MAIL } }],
      ] as const) {
        const res = await withHost(h, host, method, path, body);
        expect(res.status, `${host} ${method} ${path}: ${res.text}`).toBe(400);
        expectCleanJson(res);
        expect(res.body.error.data).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400 });
      }

      for (const path of ["/api/health", "/api/openapi.json", "/api/dev/outbox"]) {
        const res = await withHost(h, host, "GET", path);
        expect(res.status, `${host} GET ${path}: ${res.text}`).toBe(400);
        expectCleanJson(res);
      }
    }
    // Nothing ran: not one message was sent for the requests above.
    expect(await h.outbox()).toHaveLength(0);
    expect(errorLines()).toEqual([]);
  });

  it("a well-formed Host of any name, with or without a port, is served as before", async () => {
    const h = watched();
    for (const host of ["auth.example.com", "auth.example.com:8443", "localhost:3000", "127.0.0.1", "[::1]:3000", "[2001:db8::1]", "AUTH.Example.COM"]) {
      const res = await withHost(h, host, "GET", "/api/health");
      expect(res.status, `${host}: ${res.text}`).toBe(200);
      expect(res.body).toEqual({ status: "ok" });
    }
    const a = await withHost(h, "auth.example.com", "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE });
    expect(withoutTimestamp(a.body)).toMatchObject({ success: true });
  });
});
