/**
 * Issue 10, hole 7: account enumeration. The flows that must not tell whether an account
 * exists answer an unknown identifier exactly as a known one: at once (the worker sends,
 * never the request, so a slow or failing provider shows nothing), with the same status and
 * body; cooldowns and limits count per destination whether or not an account exists; a 409
 * comes only after the per-address limit counted; wrong phone codes answer alike.
 */
import { describe, expect, it } from "vitest";
import type { Transport } from "@authsvc/core";
import {
  ATTACKER_IP,
  attackSetup,
  failingTransport,
  fakeDate,
  hangingTransport,
  PASS,
  realTimersAfterEach,
  VICTIM_IP,
  VICTIM_MAIL,
  VICTIM_PHONE,
  within,
  withoutTimestamp,
  type AttackHarness,
  type Wire,
} from "./support";

realTimersAfterEach();

const UNKNOWN_MAIL = "nobody.here@example.com";
const UNKNOWN_PHONE = "+6281234567899";

/** A real provider: no dev outbox (so family 001 shows no code), the given transport for both channels. */
function withTransport(t: Transport) {
  return attackSetup({ handler: { devOutbox: "off" }, transports: { sms: t, email: t } });
}

/** Known accounts made without sending anything: an unverified 002 email, a 001 phone. */
async function knownAccounts(h: AttackHarness) {
  const reg = await h.call(VICTIM_IP, "POST", "/auth/register", { email: VICTIM_MAIL, password: PASS, fullname: "Siti Nurhaliza" });
  expect(reg.status, reg.text).toBe(200);
  const signUp = await h.call(VICTIM_IP, "POST", "/user/sign-up", {
    name: "Siti",
    email: "siti.phone@example.com",
    phoneNumber: VICTIM_PHONE,
    birthDate: "1990-01-01",
  });
  expect(signUp.status, signUp.text).toBe(200);
}

interface SilentFlow {
  name: string;
  send: (h: AttackHarness, known: boolean) => Promise<Wire>;
  /** What of the body must be identical. */
  comparable: (res: Wire) => unknown;
}

const FLOWS: SilentFlow[] = [
  {
    name: "family 002 POST /auth/send-forgot-password",
    send: (h, known) => h.call(ATTACKER_IP, "POST", "/auth/send-forgot-password", { email: known ? VICTIM_MAIL : UNKNOWN_MAIL }),
    comparable: (res) => res.body,
  },
  {
    name: "family 002 POST /auth/send-otp",
    send: (h, known) => h.call(ATTACKER_IP, "POST", "/auth/send-otp", { email: known ? VICTIM_MAIL : UNKNOWN_MAIL }),
    comparable: (res) => res.body,
  },
  {
    name: "family 001 POST /verify-phone",
    send: (h, known) => h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: known ? VICTIM_PHONE : UNKNOWN_PHONE }),
    comparable: (res) => (res.body ? withoutTimestamp(res.body) : res.text),
  },
  {
    name: "tRPC auth.forgotPassword",
    send: (h, known) => h.mutate(ATTACKER_IP, "auth.forgotPassword", { identifier: known ? VICTIM_MAIL : UNKNOWN_MAIL }),
    comparable: (res) => res.body,
  },
];

describe("hole 7 a: with a provider that never answers, known and unknown read the same, at once", () => {
  for (const flow of FLOWS) {
    it(flow.name, async () => {
      fakeDate();
      const h = withTransport(hangingTransport);
      await knownAccounts(h);
      const unknown = await within(flow.send(h, false), `${flow.name} hung for an unknown identifier`);
      const known = await within(
        flow.send(h, true),
        `ATTACK WORKED: ${flow.name} waits for the provider for a real account (unknown answers at once): timing tells who has an account`,
      );
      expect(known.status, `ATTACK WORKED: the status tells a real account: ${known.text} vs ${unknown.text}`).toBe(unknown.status);
      expect(flow.comparable(known), "ATTACK WORKED: the body tells a real account").toEqual(flow.comparable(unknown));
      expect(unknown.status).toBe(200);
    });
  }
});

describe("hole 7 a: with a provider that is down, known and unknown read the same (200, not 503)", () => {
  for (const flow of FLOWS) {
    it(flow.name, async () => {
      fakeDate();
      const h = withTransport(failingTransport);
      await knownAccounts(h);
      const unknown = await flow.send(h, false);
      const known = await flow.send(h, true);
      expect(known.status, `ATTACK WORKED: a provider failure shows only for a real account: ${known.text}`).toBe(200);
      expect(unknown.status).toBe(200);
      expect(flow.comparable(known), "ATTACK WORKED: the body tells a real account").toEqual(flow.comparable(unknown));
    });
  }
});

describe("hole 7 b: cooldowns count per destination whether or not an account exists", () => {
  it("family 002 /auth/send-otp: a second call at once is 429 with Retry-After for a known-unverified and an unknown email alike", async () => {
    fakeDate();
    const h = attackSetup();
    await knownAccounts(h);
    for (const email of [VICTIM_MAIL, UNKNOWN_MAIL]) {
      const first = await h.call(ATTACKER_IP, "POST", "/auth/send-otp", { email });
      expect(first.status, first.text).toBe(200);
    }
    const known = await h.call(ATTACKER_IP, "POST", "/auth/send-otp", { email: VICTIM_MAIL });
    const unknown = await h.call(ATTACKER_IP, "POST", "/auth/send-otp", { email: UNKNOWN_MAIL });
    expect(known.status, known.text).toBe(429);
    expect(unknown.status, `ATTACK WORKED: the cooldown 429 appears only for a real account (unknown: ${unknown.status})`).toBe(429);
    expect(unknown.body).toEqual(known.body);
    expect(Number(unknown.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(unknown.headers.get("retry-after")).toBe(known.headers.get("retry-after"));
  });

  it("family 001 /verify-phone: a second call at once is 429 for a known and an unknown number alike", async () => {
    fakeDate();
    const h = attackSetup({ handler: { devOutbox: "off" } });
    await knownAccounts(h);
    for (const phoneNumber of [VICTIM_PHONE, UNKNOWN_PHONE]) {
      const first = await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber });
      expect(first.status, first.text).toBe(200);
    }
    const known = await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE });
    const unknown = await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: UNKNOWN_PHONE });
    expect(known.status, `the immediate second call for a known number: ${known.text}`).toBe(429);
    expect(unknown.status, `the immediate second call for an unknown number: ${unknown.text}`).toBe(429);
    expect(withoutTimestamp(unknown.body)).toEqual(withoutTimestamp(known.body));
    expect(Number(unknown.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(known.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("hole 7 c: registration's 409 comes after the per-address limit counted", () => {
  it("three family 003 registrations of a registered email from one address (limit 2): 409, 409, 429", async () => {
    const h = attackSetup({ options: { limits: { signupPerIp: { max: 2, windowSec: 3600 } } } });
    await h.verifiedUser003(VICTIM_IP, { username: "sitinur", email: VICTIM_MAIL });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.call(ATTACKER_IP, "POST", "/api/v1/auth/register", {
        username: `probe${i}`,
        email: VICTIM_MAIL,
        password: PASS,
        fullname: "John Doe",
      });
      statuses.push(res.status);
    }
    expect(statuses, "ATTACK WORKED: 409 is answered past the per-address limit, so enumeration is unlimited").toEqual([409, 409, 429]);
  });
});

/** Five wrong codes for a registered and for an unregistered number, then one more each: pairwise equal answers. */
async function compareWrongCodes(
  h: AttackHarness,
  login: (phone: string, code: string) => Promise<Wire>,
  comparable: (res: Wire) => unknown,
) {
  // The registered number: an account whose phone is proven, asking for a code again.
  await h.phoneLoginTrpc(VICTIM_IP, VICTIM_PHONE);
  for (const phoneNumber of [VICTIM_PHONE, UNKNOWN_PHONE]) {
    const sent = await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber });
    expect(sent.status, sent.text).toBe(200);
  }
  const wrong = (await h.wrongCode(VICTIM_PHONE, "login"));
  for (let i = 1; i <= 6; i++) {
    const known = await login(VICTIM_PHONE, wrong);
    const unknown = await login(UNKNOWN_PHONE, wrong);
    expect(known.status, known.text).toBeGreaterThanOrEqual(400);
    expect(unknown.status, `ATTACK WORKED: wrong code #${i} answers ${known.status} for a registered number, ${unknown.status} for an unregistered one`).toBe(
      known.status,
    );
    expect(comparable(unknown), `ATTACK WORKED: wrong code #${i} reads differently for a registered number`).toEqual(comparable(known));
  }
}

describe("hole 7 d: wrong phone codes answer alike for registered and unregistered numbers", () => {
  it("tRPC auth.loginWithPhoneCode: the same error (attemptsLeft included) and the same lockout", async () => {
    fakeDate();
    const h = attackSetup();
    await compareWrongCodes(
      h,
      (phone, code) => h.mutate(ATTACKER_IP, "auth.loginWithPhoneCode", { phone, code }),
      (res) => res.body.error,
    );
  });

  it("family 001 POST /login: the same status and body, and the same lockout", async () => {
    fakeDate();
    const h = attackSetup();
    await compareWrongCodes(
      h,
      (phoneNumber, verificationCode) => h.call(ATTACKER_IP, "POST", "/login", { phoneNumber, verificationCode }),
      (res) => withoutTimestamp(res.body),
    );
  });
});
