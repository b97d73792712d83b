/**
 * Issue 19, items 2 and 3: nobody can lock the owner's password out with no way back.
 *
 * - Item 2, known devices (OWASP "device cookies"): every sign-in hands out a signed device
 *   token (the `authsvc_device` cookie on the web, `deviceToken` in tRPC answers, sent back as
 *   `X-Device-Token`). Wrong passwords sprayed from many addresses still lock the account for
 *   strangers, but never for the owner's known device; a reset by link lifts the lock.
 * - Item 3, limit keys end with a delimiter: user 14's code sign-in lifts user 14's locks and
 *   nobody else's (not those of users 140 to 149, 1400 and up).
 *
 * Replayed through the API's fetch handler, the client address of each request chosen.
 */
import { describe, expect, it } from "vitest";
import { expect002, toWire, type Wire } from "../testing";
import { attackSetup, OTHER_IP, PASS, PASS2, VICTIM_IP, VICTIM_MAIL, type AttackHarness } from "./support";

const ATTACKER_MAIL2 = "mallory.devices@attacker.example";
/** Ten spraying addresses (a botnet). */
const SPRAYERS = Array.from({ length: 10 }, (_, i) => `198.51.100.${10 + i}`);

interface Extra {
  device?: string;
  cookie?: string;
}

/** A request through the fetch handler from `ip`, with a device token in a header or a cookie. */
async function send(h: AttackHarness, ip: string, method: string, path: string, body: unknown, extra: Extra = {}, bearer?: string): Promise<Wire> {
  const headers: Record<string, string> = { "user-agent": "vitest-attack", accept: "application/json", "content-type": "application/json" };
  if (extra.device !== undefined) headers["x-device-token"] = extra.device;
  if (extra.cookie !== undefined) headers.cookie = extra.cookie;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const req = new Request(`http://localhost${path}`, { method, headers, body: JSON.stringify(body), redirect: "manual" });
  return toWire(await h.handler.fetch(req, { remoteAddress: ip }));
}

/** tRPC password login (bearer token delivery). */
const trpcLogin = (h: AttackHarness, ip: string, identifier: string, password: string, extra?: Extra) =>
  send(h, ip, "POST", "/api/trpc/auth.loginWithPassword", { identifier, password }, extra);

/** Family 002 password login; its body stays exactly `{message, token}`. */
const login002 = (h: AttackHarness, ip: string, email: string, password: string, extra?: Extra) =>
  send(h, ip, "POST", "/auth/login", { email, password }, extra);

/** The owner: a proven email with a password, signed in once on their own device; the device token it got. */
async function ownerWithDevice(h: AttackHarness): Promise<string> {
  await h.emailUser002(VICTIM_IP, VICTIM_MAIL, PASS);
  const res = await trpcLogin(h, VICTIM_IP, VICTIM_MAIL, PASS);
  expect(res.status, res.text).toBe(200);
  // Checked by "every sign-in door ... answers a device token"; here a missing one shows what the owner then meets.
  return String(res.body.result.data.deviceToken ?? "");
}

/** 11 wrong passwords from each of 10 addresses: 110 wrong tries in all, over the account-wide 100. */
async function spray(h: AttackHarness, email = VICTIM_MAIL) {
  let refused = 0;
  for (const ip of SPRAYERS) {
    for (let i = 0; i < 11; i++) {
      const res = await login002(h, ip, email, `wrong-guess-${ip}-${i}`);
      expect([401, 429], res.text).toContain(res.status);
      if (res.status === 429) refused++;
    }
  }
  return refused;
}

/** The reset link's token from the newest reset email (the email is written after the answer). */
async function resetLinkToken(h: AttackHarness, email: string): Promise<string> {
  await h.auth.afterAnswers();
  const mail = (await h.outbox(email)).find((m) => m.purpose === "password_reset");
  const m = mail && /\/reset-password\?token=([^\s"'<>]+)/.exec(mail.text);
  if (!m) throw new Error(`no reset email with a link reached ${email}`);
  return decodeURIComponent(m[1]!);
}

describe("item 2: known devices against the account-wide password lock", () => {
  it("110 wrong passwords from 10 addresses lock strangers out, but the owner's known device still signs in with the right password", async () => {
    const h = attackSetup();
    const device = await ownerWithDevice(h);
    expect(await spray(h), "the spray hits the account-wide lock").toBeGreaterThan(0);

    // The lock still works: a stranger, and the owner without their device token, are refused.
    const stranger = await login002(h, OTHER_IP, VICTIM_MAIL, PASS);
    expect(stranger.status, `the account-wide lock no longer stops a stranger: ${stranger.text}`).toBe(429);
    const bare = await trpcLogin(h, VICTIM_IP, VICTIM_MAIL, PASS);
    expect(bare.status, `the owner without a device token: ${bare.text}`).toBe(429);

    // The owner's known device: by header on tRPC, by cookie on tRPC, by header on family 002.
    const byHeader = await trpcLogin(h, VICTIM_IP, VICTIM_MAIL, PASS, { device });
    expect(byHeader.status, `ATTACK WORKED: 110 wrong passwords from strangers locked the owner's own device out: ${byHeader.text}`).toBe(200);
    const byCookie = await trpcLogin(h, VICTIM_IP, VICTIM_MAIL, PASS, { cookie: `authsvc_device=${encodeURIComponent(device)}` });
    expect(byCookie.status, `ATTACK WORKED: the device cookie did not get the owner in: ${byCookie.text}`).toBe(200);
    const rest = await login002(h, VICTIM_IP, VICTIM_MAIL, PASS, { device });
    expect(rest.status, `ATTACK WORKED: family 002 with X-Device-Token refused the owner: ${rest.text}`).toBe(200);
    // The REST family keeps its documented body exactly.
    expect(Object.keys(rest.body).sort()).toEqual(["message", "token"]);
  });

  it("the owner's device from the same address as the sprayer (one carrier NAT) still signs in", async () => {
    const h = attackSetup();
    const device = await ownerWithDevice(h);
    await spray(h);
    const nat = SPRAYERS[0]!;
    expect((await login002(h, nat, VICTIM_MAIL, PASS)).status).toBe(429);
    const res = await login002(h, nat, VICTIM_MAIL, PASS, { device });
    expect(res.status, `ATTACK WORKED: the sprayer's address locked the owner's device out: ${res.text}`).toBe(200);
  });

  it("the owner's own wrong guesses on their device are still limited, and do not count towards the account-wide lock", async () => {
    const h = attackSetup();
    const device = await ownerWithDevice(h);
    for (let i = 0; i < 10; i++) expect((await login002(h, VICTIM_IP, VICTIM_MAIL, `my-own-typo-${i}`, { device })).status).toBe(401);
    const eleventh = await login002(h, VICTIM_IP, VICTIM_MAIL, PASS, { device });
    expect(eleventh.status, `a device that guessed wrong 10 times is limited: ${eleventh.text}`).toBe(429);
    // Another address without the device is not held back by the device's guesses.
    expect((await login002(h, OTHER_IP, VICTIM_MAIL, PASS)).status).toBe(200);
  });

  it("a device token of another account, or a forged or altered one, gives nothing", async () => {
    const h = attackSetup();
    const device = await ownerWithDevice(h);
    await h.emailUser002(OTHER_IP, ATTACKER_MAIL2, PASS2);
    const theirs = await trpcLogin(h, OTHER_IP, ATTACKER_MAIL2, PASS2);
    expect(theirs.status, theirs.text).toBe(200);
    const attackerDevice = theirs.body.result.data.deviceToken as string;
    expect(attackerDevice).toEqual(expect.any(String));
    await spray(h);

    const parts = device.split(".");
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith("A") ? "B" : "A");
    const attackerParts = attackerDevice.split(".");
    const forged: [string, string][] = [
      ["another account's device token", attackerDevice],
      ["the owner's token with its MAC altered", [...parts.slice(0, -1), flip(parts.at(-1)!)].join(".")],
      ["the owner's token with its device id altered", parts.map((p, i) => (i === parts.length - 2 ? flip(p) : p)).join(".")],
      ["another account's token relabelled with the owner's user id", attackerParts.map((p, i) => (i === 1 ? parts[1]! : p)).join(".")],
      ["the owner's token without its MAC", parts.slice(0, -1).join(".")],
      ["a made-up token", `d1.${parts[1]}.AAAAAAAAAAAAAAAAAAAAAA.${"A".repeat(43)}`],
      ["garbage", "not-a-device-token"],
    ];
    for (const [what, token] of forged) {
      const res = await login002(h, VICTIM_IP, VICTIM_MAIL, PASS, { device: token });
      expect(res.status, `ATTACK WORKED: ${what} passed the account-wide lock: ${res.text}`).toBe(429);
      const viaCookie = await trpcLogin(h, VICTIM_IP, VICTIM_MAIL, PASS, { cookie: `authsvc_device=${encodeURIComponent(token)}` });
      expect(viaCookie.status, `ATTACK WORKED: ${what} (as a cookie) passed the account-wide lock: ${viaCookie.text}`).toBe(429);
    }
    // The real one still works.
    expect((await login002(h, VICTIM_IP, VICTIM_MAIL, PASS, { device })).status).toBe(200);
  });

  it("every sign-in door of tRPC answers a device token, and a web (cookie) sign-in sets the device cookie", async () => {
    const h = attackSetup();
    await h.emailUser002(VICTIM_IP, VICTIM_MAIL, PASS);
    const web = await send(h, VICTIM_IP, "POST", "/api/trpc/auth.loginWithPassword", { identifier: VICTIM_MAIL, password: PASS, delivery: "cookie" });
    expect(web.status, web.text).toBe(200);
    const device = web.body.result.data.deviceToken as string;
    expect(device).toMatch(/^d1\.\d+\.[\w-]+\.[\w-]+$/);
    const cookies = web.headers.getSetCookie();
    const deviceCookie = cookies.find((c) => c.startsWith("authsvc_device="));
    expect(deviceCookie, cookies.join("\n")).toBeDefined();
    expect(deviceCookie).toContain("HttpOnly");
    expect(deviceCookie).toContain("SameSite=Lax");
    expect(deviceCookie).toContain("Path=/");
    expect(Number(/Max-Age=(\d+)/.exec(deviceCookie!)?.[1])).toBeGreaterThanOrEqual(300 * 24 * 3600);
    // A phone code sign-in too.
    const phone = await h.phoneLoginTrpc(OTHER_IP, "+6281234567899");
    expect(phone.token).toEqual(expect.any(String));
    const again = await h.mutate(OTHER_IP, "auth.requestPhoneCode", { phone: "+6281234567898" });
    expect(again.status, again.text).toBe(200);
    const login = await h.mutate(OTHER_IP, "auth.loginWithPhoneCode", { phone: "+6281234567898", code: await h.code("+6281234567898", "login") });
    expect(login.body.result.data.deviceToken, login.text).toMatch(/^d1\./);
  });

  it("no device token value lands in an audit row", async () => {
    const h = attackSetup();
    const device = await ownerWithDevice(h);
    expect((await login002(h, VICTIM_IP, VICTIM_MAIL, "one wrong guess", { device })).status).toBe(401);
    expect((await login002(h, VICTIM_IP, VICTIM_MAIL, PASS, { device })).status).toBe(200);
    const rows = await h.auth.ctx.store.audit.list({ limit: 1000 });
    expect(rows.length).toBeGreaterThan(0);
    const text = JSON.stringify(rows);
    const [, , deviceId, mac] = device.split(".");
    expect(text).not.toContain(mac!);
    expect(text).not.toContain(deviceId!);
  });
});

describe("item 2: a reset by link lifts the account-wide lock", () => {
  it("tRPC resetPasswordWithLink: after the spray, the new password signs in from anywhere", async () => {
    const h = attackSetup();
    await h.emailUser002(VICTIM_IP, VICTIM_MAIL, PASS);
    await spray(h);
    expect((await login002(h, OTHER_IP, VICTIM_MAIL, PASS)).status).toBe(429);
    const asked = await h.mutate(VICTIM_IP, "auth.forgotPassword", { identifier: VICTIM_MAIL });
    expect(asked.status, asked.text).toBe(200);
    const token = await resetLinkToken(h, VICTIM_MAIL);
    const reset = await h.mutate(VICTIM_IP, "auth.resetPasswordWithLink", { token, newPassword: PASS2 });
    expect(reset.status, reset.text).toBe(200);
    const res = await login002(h, OTHER_IP, VICTIM_MAIL, PASS2);
    expect(res.status, `ATTACK WORKED: the reset link left the account locked: ${res.text}`).toBe(200);
  });

  it("family 002 PATCH /auth/update-password with the reset link's token lifts it too", async () => {
    const h = attackSetup();
    await h.emailUser002(VICTIM_IP, VICTIM_MAIL, PASS);
    await spray(h);
    const asked = await h.call(VICTIM_IP, "POST", "/auth/send-forgot-password", { email: VICTIM_MAIL });
    expect(asked.status, asked.text).toBe(200);
    const token = await resetLinkToken(h, VICTIM_MAIL);
    const reset = await h.call(VICTIM_IP, "PATCH", "/auth/update-password", { new_password: PASS2 }, token);
    expect002(reset, 200);
    // From one of the spraying addresses too: everything the strangers caused is lifted.
    const res = await login002(h, SPRAYERS[3]!, VICTIM_MAIL, PASS2);
    expect(res.status, `ATTACK WORKED: the reset link left the account locked: ${res.text}`).toBe(200);
  });
});

describe("item 3: limit keys end with a delimiter", () => {
  /** A phone per user: the n-th user created has id n (a fresh database numbers from 1). */
  const phoneOf = (n: number) => `+62812${10_000_000 + n}`;

  it("the code sign-ins of users 1, 10 and 14 lift their own password locks and nobody else's (10 to 19, 100 and up, 140 to 149)", async () => {
    const h = attackSetup({ options: { limits: { loginFailuresPerAccount: { max: 3, windowSec: 900 } } } });
    const ids = new Map<number, string>();
    for (let n = 1; n <= 141; n++) {
      // Family 000 finds or creates the user and texts a login code; one address each, past every per-address limit.
      const res = await h.call(`10.0.${n >> 8}.${n & 255}`, "POST", "/api/v1/authentication/", { mobile_number: phoneOf(n) });
      expect(res.status, res.text).toBe(201);
      ids.set(n, String(res.body.payload.data[0].id));
    }
    for (const n of [1, 10, 14, 140]) expect(ids.get(n), "a fresh database numbers users from 1").toBe(String(n));

    let fresh = 0;
    const freshIp = () => `172.16.${++fresh >> 8}.${fresh & 255}`;
    /** The account-wide counter: 3 wrong passwords from 3 addresses lock the account for everyone. */
    const lock = async (n: number) => {
      for (let i = 0; i < 3; i++) expect((await trpcLogin(h, freshIp(), phoneOf(n), `wrong-${i}`)).status).toBe(401);
    };
    /** Whether a wrong password from an address never seen before is refused as locked. */
    const locked = async (n: number) => {
      const res = await trpcLogin(h, freshIp(), phoneOf(n), "another wrong guess");
      expect([401, 429], res.text).toContain(res.status);
      return res.status === 429;
    };
    /** The user signs in with the login code family 000 texted them: a code to their phone lifts their locks. */
    const codeSignIn = async (n: number) => {
      const res = await h.mutate(freshIp(), "auth.loginWithPhoneCode", { phone: phoneOf(n), code: await h.code(phoneOf(n), "login") });
      expect(res.status, res.text).toBe(200);
    };

    const victims = [1, 10, 11, 14, 19, 100, 101, 140, 141];
    for (const n of victims) await lock(n);
    for (const n of victims) expect(await locked(n), `user ${n} is locked`).toBe(true);

    await codeSignIn(1);
    expect(await locked(1), "user 1's own code sign-in lifts user 1's lock").toBe(false);
    for (const n of [10, 11, 14, 19, 100, 101, 140, 141]) {
      expect(await locked(n), `ATTACK WORKED: user 1's code sign-in lifted the password lock of user ${n}`).toBe(true);
    }
    await codeSignIn(10);
    expect(await locked(10)).toBe(false);
    for (const n of [100, 101]) expect(await locked(n), `ATTACK WORKED: user 10's code sign-in lifted the lock of user ${n}`).toBe(true);
    await codeSignIn(14);
    expect(await locked(14)).toBe(false);
    for (const n of [140, 141]) expect(await locked(n), `ATTACK WORKED: user 14's code sign-in lifted the lock of user ${n}`).toBe(true);
    for (const n of [11, 19]) expect(await locked(n), `user ${n} stays locked`).toBe(true);
  });
});
