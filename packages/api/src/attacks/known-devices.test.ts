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
import { toWire, type Wire } from "../testing";
import { attackSetup, type AttackHarness } from "./support";


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
