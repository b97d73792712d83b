/**
 * Issue 19, hole 1: your code requests and codes belong to you. A stranger who knows only
 * your number spends their own cooldown, caps and wrong tries, never yours; only a high
 * ceiling of sends per destination (against message bombing) and a small total of wrong
 * tries per code are shared. Replayed through the API's fetch handler, each request from
 * the address it names.
 */
import { describe, expect, it } from "vitest";
import { expect000, expect001, expectRetryAfter, toWire } from "../testing";
import { advance, ATTACKER_IP, attackSetup, fakeDate, MINUTE, OTHER_IP, realTimersAfterEach, VICTIM_IP, VICTIM_PHONE, type AttackHarness } from "./support";

realTimersAfterEach();

/** The owner's account: a phone proven through family 000, as a person who uses the app has. */
async function ownerAccount(h: AttackHarness): Promise<string> {
  const { id } = await h.phoneLogin000(VICTIM_IP, VICTIM_PHONE);
  advance(60 * MINUTE);
  return id;
}

/** A service on a fake Date, the owner's account, and a login code the owner asked for through family 001. */
async function ownerAsksForCode() {
  fakeDate();
  const h = attackSetup();
  await ownerAccount(h);
  expect001(await h.call(VICTIM_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
  return { h, code: await h.code(VICTIM_PHONE, "login") };
}

/** Four anonymous POST /verify-phone, each as soon as the stranger's cooldown allows (60, 120, 240 s). */
async function strangerAsksFourTimes(h: AttackHarness) {
  for (const wait of [0, 60, 120, 240]) {
    advance(wait * 1000);
    expect001(await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
  }
}

/** The owner's own code request on each door, right after the stranger's. */
const doors: [string, (h: AttackHarness, id: string) => Promise<number>][] = [
  ["tRPC auth.requestPhoneCode", async (h) => (await h.mutate(VICTIM_IP, "auth.requestPhoneCode", { phone: VICTIM_PHONE })).status],
  ["family 000 POST /api/v1/authentication/", async (h) => (await h.call(VICTIM_IP, "POST", "/api/v1/authentication/", { mobile_number: VICTIM_PHONE })).status],
  ["family 000 PATCH /api/v1/authentication/{id}/", async (h, id) => (await h.call(VICTIM_IP, "PATCH", `/api/v1/authentication/${id}/`, { mobile_number: VICTIM_PHONE })).status],
  ["family 001 POST /verify-phone", async (h) => (await h.call(VICTIM_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE })).status],
];

describe("hole 1: a stranger's code requests do not block the owner's", () => {
  it.each(doors)("after four anonymous /verify-phone for the owner's number, %s still sends the owner a code", async (_door, ask) => {
    fakeDate();
    const h = attackSetup();
    const id = await ownerAccount(h);
    await strangerAsksFourTimes(h);
    const before = (await h.outbox(VICTIM_PHONE)).length;
    const status = await ask(h, id);
    expect(status, "ATTACK WORKED: the stranger's requests put the owner inside a cooldown or over a cap").toBeLessThan(300);
    expect((await h.outbox(VICTIM_PHONE)).length, "the owner's code was sent").toBe(before + 1);
  });

  it("ten anonymous requests spread over a day leave the owner's daily codes untouched", async () => {
    fakeDate();
    const h = attackSetup();
    await ownerAccount(h);
    for (let i = 0; i < 10; i++) {
      expect001(await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
      advance(2 * 60 * MINUTE);
    }
    // The stranger is at their own daily cap...
    const eleventh = await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE });
    expect001(eleventh, 429);
    expectRetryAfter(eleventh);
    // ...and the owner is not.
    const owner = await h.call(VICTIM_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE });
    expect(owner.status, `ATTACK WORKED: the owner got ${owner.text}`).toBe(200);
    await h.call(VICTIM_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: await h.code(VICTIM_PHONE, "login") });
  });

  it("a stranger's request does not kill the owner's live code", async () => {
    const { h, code: ownersCode } = await ownerAsksForCode();
    expect001(await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
    const login = await h.call(VICTIM_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: ownersCode });
    expect(login.status, `ATTACK WORKED: the stranger's request killed the owner's code: ${login.text}`).toBe(200);
  });

  it("strangers from as many addresses as the destination's ceiling allows cannot hide the owner's code behind theirs", async () => {
    const { h, code: ownersCode } = await ownerAsksForCode();
    for (let i = 1; i < h.auth.options.code.destinationPerHour; i++) {
      expect001(await h.call(`198.51.100.${i}`, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
    }
    const login = await h.call(VICTIM_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: ownersCode });
    expect(login.status, `ATTACK WORKED: newer codes hid the owner's: ${login.text}`).toBe(200);
  });

  it("the owner's own resend still replaces the owner's previous code", async () => {
    const { h, code: first } = await ownerAsksForCode();
    advance(MINUTE);
    expect001(await h.call(VICTIM_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
    const second = await h.code(VICTIM_PHONE, "login");
    if (first !== second) expect001(await h.call(VICTIM_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: first }), 401);
    expect001(await h.call(VICTIM_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: second }), 200);
  });

  it("a code asked for from one address works when the owner types it from another (mobile data, then Wi-Fi)", async () => {
    fakeDate();
    const h = attackSetup();
    await ownerAccount(h);
    expect001(await h.call(VICTIM_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
    const login = await h.call(OTHER_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: await h.code(VICTIM_PHONE, "login") });
    expect001(login, 200);
  });
});

describe("hole 1: a stranger's wrong codes do not kill the owner's code", () => {
  it("five wrong codes to family 001 /login from a stranger: the owner's code still signs in", async () => {
    const { h, code: right } = await ownerAsksForCode();
    const wrong = right === "111111" ? "222222" : "111111";
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.call(ATTACKER_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: wrong })).status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // The stranger is locked out of the number, even with the right code...
    const strangerRight = await h.call(ATTACKER_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: right });
    expect(strangerRight.status).not.toBe(200);
    // ...and the owner is not.
    const owner = await h.call(VICTIM_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: right });
    expect(owner.status, `ATTACK WORKED: the stranger's guesses killed the owner's code: ${owner.text}`).toBe(200);
  });

  it("five wrong codes to family 000 PUT from a stranger: the owner's code still signs in", async () => {
    fakeDate();
    const h = attackSetup();
    const id = await ownerAccount(h);
    expect000(await h.call(VICTIM_IP, "PATCH", `/api/v1/authentication/${id}/`, { mobile_number: VICTIM_PHONE }), 200);
    const right = await h.code(VICTIM_PHONE, "login");
    const wrong = right === "111111" ? "222222" : "111111";
    for (let i = 0; i < 5; i++) {
      const res = await h.call(ATTACKER_IP, "PUT", `/api/v1/authentication/${id}/`, { mobile_number: VICTIM_PHONE, otp_code: wrong, role: "customer" });
      expect([400, 429]).toContain(res.status);
    }
    const owner = await h.call(VICTIM_IP, "PUT", `/api/v1/authentication/${id}/`, { mobile_number: VICTIM_PHONE, otp_code: right, role: "customer" });
    expect(owner.status, `ATTACK WORKED: the stranger's guesses killed the owner's code: ${owner.text}`).toBe(200);
  });
});

describe("hole 1: the limits still stop the attacks they were made for", () => {
  it("guessing one code: wrong tries from everybody together kill it (a small total per code)", async () => {
    const { h, code: right } = await ownerAsksForCode();
    const wrong = right === "111111" ? "222222" : "111111";
    const max = h.auth.options.code.maxAttemptsPerCode;
    // From as many addresses as it takes, each below its own lock.
    for (let i = 0; i < max; i++) {
      const ip = `198.51.100.${100 + Math.floor(i / (h.auth.options.code.maxAttempts - 1))}`;
      expect([401, 429]).toContain((await h.call(ip, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: wrong })).status);
    }
    const late = await h.call(VICTIM_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: right });
    expect(late.status, `a code survived ${max} wrong tries: ${late.text}`).toBe(401);
    // The owner asks again and gets in.
    expect001(await h.call(VICTIM_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
    expect001(await h.call(VICTIM_IP, "POST", "/login", { phoneNumber: VICTIM_PHONE, verificationCode: await h.code(VICTIM_PHONE, "login") }), 200);
  });

  it("bombing one number from many addresses stops at the destination's hourly ceiling", async () => {
    fakeDate();
    const h = attackSetup();
    const ceiling = h.auth.options.code.destinationPerHour;
    const statuses: number[] = [];
    for (let i = 0; i <= ceiling; i++) {
      statuses.push((await h.call(`198.51.100.${i + 1}`, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE })).status);
    }
    expect(statuses.slice(0, ceiling).every((s) => s === 200)).toBe(true);
    expect(statuses[ceiling], "the ceiling of sends to one number from everybody").toBe(429);
  });

  it("one address bombing one number stops at its own cooldown", async () => {
    fakeDate();
    const h = attackSetup();
    expect001(await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
    const again = await h.call(ATTACKER_IP, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE });
    expect001(again, 429);
    expectRetryAfter(again, 60);
  });

  it("one address can text at most its share of new numbers an hour; another address still has its own", async () => {
    fakeDate();
    const h = attackSetup({ options: { smsNewNumbersPerRequesterPerHour: 2 } });
    const numbers = ["+6281234500011", "+6281234500012", "+6281234500013"];
    expect000(await h.call(ATTACKER_IP, "POST", "/api/v1/authentication/", { mobile_number: numbers[0] }), 201);
    expect000(await h.call(ATTACKER_IP, "POST", "/api/v1/authentication/", { mobile_number: numbers[1] }), 201);
    const third = await h.call(ATTACKER_IP, "POST", "/api/v1/authentication/", { mobile_number: numbers[2] });
    expect(third.status, `ATTACK WORKED: one client spends the whole new-number budget: ${third.text}`).toBe(429);
    expectRetryAfter(third);
    expect(await h.usersWithPhone(numbers[2]!)).toBe(0);
    expect000(await h.call(VICTIM_IP, "POST", "/api/v1/authentication/", { mobile_number: numbers[2] }), 201);
  });
});

describe("hole 1: the owner's known device is a requester of its own", () => {
  /** tRPC auth.requestPhoneCode from `ip`, with the device token a sign-in gave. */
  const requestWithDevice = async (h: AttackHarness, ip: string, device: string) =>
    toWire(
      await h.handler.fetch(
        new Request("http://localhost/api/trpc/auth.requestPhoneCode", {
          method: "POST",
          headers: { "content-type": "application/json", "x-device-token": device },
          body: JSON.stringify({ phone: VICTIM_PHONE }),
        }),
        { remoteAddress: ip },
      ),
    );

  it("after strangers spent the number's hourly ceiling, the owner's device still gets a code; a forged or another account's token does not", async () => {
    fakeDate();
    const h = attackSetup();
    // The owner signs in by code once; the answer carries the device token.
    expect((await h.mutate(VICTIM_IP, "auth.requestPhoneCode", { phone: VICTIM_PHONE })).status).toBe(200);
    const signIn = await h.mutate(VICTIM_IP, "auth.loginWithPhoneCode", { phone: VICTIM_PHONE, code: await h.code(VICTIM_PHONE, "login") });
    expect(signIn.status, signIn.text).toBe(200);
    const token = String(signIn.body.result.data.deviceToken);
    // The attacker signs in to an account of their own: a genuine device token, of another account.
    expect((await h.mutate(ATTACKER_IP, "auth.requestPhoneCode", { phone: "+6281234567809" })).status).toBe(200);
    const attacker = await h.mutate(ATTACKER_IP, "auth.loginWithPhoneCode", { phone: "+6281234567809", code: await h.code("+6281234567809", "login") });
    const attackerToken = String(attacker.body.result.data.deviceToken);
    advance(60 * MINUTE);

    const ceiling = h.auth.options.code.destinationPerHour;
    for (let i = 0; i < ceiling; i++) expect001(await h.call(`198.51.100.${i + 1}`, "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 200);
    expect001(await h.call("198.51.100.200", "POST", "/verify-phone", { phoneNumber: VICTIM_PHONE }), 429);
    expect((await requestWithDevice(h, "198.51.100.201", attackerToken)).status, "another account's device token passes the ceiling").toBe(429);
    expect((await requestWithDevice(h, "198.51.100.202", `${token.slice(0, -2)}xx`)).status, "a forged device token passes the ceiling").toBe(429);

    const owner = await requestWithDevice(h, "198.51.100.203", token);
    expect(owner.status, `ATTACK WORKED: strangers' sends kept the owner's own device from a code: ${owner.text}`).toBe(200);
  });
});

describe("hole 8: family 000's resend counts the per-address limit before it answers 404", () => {
  it("probing which id goes with which number costs the prober's code-send budget like a send", async () => {
    fakeDate();
    const h = attackSetup({ options: { limits: { codeSendPerIp: { max: 2, windowSec: 3600 } } } });
    const statuses: number[] = [];
    for (let id = 1; id <= 3; id++) {
      statuses.push((await h.call(ATTACKER_IP, "PATCH", `/api/v1/authentication/${id}/`, { mobile_number: VICTIM_PHONE })).status);
    }
    expect(statuses.slice(0, 2)).toEqual([404, 404]);
    expect(statuses[2], "ATTACK WORKED: id and number pairs can be probed with no limit").toBe(429);
  });
});
