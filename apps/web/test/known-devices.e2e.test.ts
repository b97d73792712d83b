/**
 * Issue 19, item 2, replayed against the production bundle on each engine: wrong passwords
 * sprayed from many addresses lock an account for strangers, never for the owner's known
 * device (OWASP "device cookies"), and a reset by link lifts the lock.
 *
 * Every request comes from 127.0.0.1 here; the service trusts loopback as its proxy
 * (TRUST_PROXY=loopback), so each request's X-Forwarded-For is its client address. Limits are
 * scaled down (AUTH_RATE_LIMIT_SCALE=0.1: one wrong password per client and account, ten per
 * account from everywhere) to keep the spray short.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { toWire, type Wire } from "@authsvc/api/testing";
import type { OutboxView } from "@authsvc/core";
import { serverEngines, serviceForBlock } from "./support/server";

let base = "";

const OWNER_IP = "203.0.113.20";
const STRANGER_IP = "192.0.2.44";
const SPRAYERS = Array.from({ length: 10 }, (_, i) => `198.51.100.${10 + i}`);
const PASS = "Kopi-Susu-Gula-42";
const NEW_PASS = "Teh-Manis-77";

interface Extra {
  ip?: string;
  device?: string;
  cookie?: string;
  token?: string;
}

async function call(method: string, route: string, body?: unknown, extra: Extra = {}): Promise<Wire> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (extra.ip) headers["x-forwarded-for"] = extra.ip;
  if (extra.device !== undefined) headers["x-device-token"] = extra.device;
  if (extra.cookie !== undefined) headers.cookie = extra.cookie;
  if (extra.token) headers.authorization = `Bearer ${extra.token}`;
  return toWire(await fetch(`${base}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" }));
}

/** The newest message of `purpose` to `to`, from the dev outbox over HTTP (this machine: no X-Forwarded-For). */
async function mailFor(to: string, purpose: string): Promise<OutboxView> {
  for (let i = 0; i < 50; i++) {
    const res = await call("GET", `/api/dev/outbox?to=${encodeURIComponent(to)}`);
    expect(res.status, res.text).toBe(200);
    const m = (res.body.messages as OutboxView[]).find((x) => x.purpose === purpose);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${purpose} message for ${to}`);
}

/** Family 002: register, send-otp and otp-verify from `ip`. */
async function account002(email: string, ip: string) {
  expect((await call("POST", "/auth/register", { email, password: PASS, fullname: "Siti Nurhaliza" }, { ip })).status).toBe(200);
  expect((await call("POST", "/auth/send-otp", { email }, { ip })).status).toBe(200);
  const ver = await call("POST", "/auth/otp-verify", { email, otp_number: (await mailFor(email, "verify_email")).code }, { ip });
  expect(ver.status, ver.text).toBe(200);
}

const login002 = (email: string, password: string, extra: Extra) => call("POST", "/auth/login", { email, password }, extra);
const trpcLogin = (email: string, password: string, extra: Extra, delivery: "token" | "cookie" = "token") =>
  call("POST", "/api/trpc/auth.loginWithPassword", { identifier: email, password, delivery }, extra);

/** Two wrong passwords from each of ten addresses: twenty, past the account-wide ten. */
async function spray(email: string) {
  for (const ip of SPRAYERS) {
    for (let i = 0; i < 2; i++) expect([401, 429]).toContain((await login002(email, `wrong-${ip}-${i}`, { ip })).status);
  }
}

describe.each(serverEngines)("known devices, production server on %s", (engine) => {
  const block = serviceForBlock(engine, "devices", { TRUST_PROXY: "loopback", AUTH_RATE_LIMIT_SCALE: "0.1" });
  if (!block) return;
  beforeAll(() => {
    base = block.service().base;
  });

  it("a spray from 10 addresses locks strangers and the owner without a device out, never the owner's known device", async () => {
    const email = "siti.devices@example.com";
    await account002(email, OWNER_IP);
    const signIn = await trpcLogin(email, PASS, { ip: OWNER_IP });
    expect(signIn.status, signIn.text).toBe(200);
    // Its format is checked at the end: first, what the owner meets with whatever the sign-in gave.
    const device = String(signIn.body.result.data.deviceToken ?? "");
    // A web sign-in sets the device cookie (over plain HTTP: the plain name).
    const web = await trpcLogin(email, PASS, { ip: OWNER_IP }, "cookie");
    expect(web.status, web.text).toBe(200);
    const cookieLine = web.headers.getSetCookie().find((l) => l.startsWith("authsvc_device=")) ?? "";
    const webDevice = decodeURIComponent(/^authsvc_device=([^;]+)/.exec(cookieLine)?.[1] ?? "");

    // Another account's device token, to try on the owner's account.
    await account002("mallory.devices@attacker.example", STRANGER_IP);
    const theirs = await trpcLogin("mallory.devices@attacker.example", PASS, { ip: STRANGER_IP });
    const attackerDevice = String(theirs.body.result.data.deviceToken ?? "");

    await spray(email);
    // The lock holds for strangers and for the owner without the device.
    expect((await login002(email, PASS, { ip: STRANGER_IP })).status, "the account-wide lock stops a stranger").toBe(429);
    expect((await login002(email, PASS, { ip: OWNER_IP })).status, "the owner without a device token is refused").toBe(429);
    expect((await login002(email, PASS, { ip: OWNER_IP, device: attackerDevice })).status, "another account's device token gives nothing").toBe(429);
    const altered = device.slice(0, -1) + (device.endsWith("A") ? "B" : "A");
    expect((await login002(email, PASS, { ip: OWNER_IP, device: altered })).status, "an altered token gives nothing").toBe(429);

    // The owner's known devices: by header on family 002 (its body as documented), by cookie on tRPC.
    const rest = await login002(email, PASS, { ip: OWNER_IP, device });
    expect(rest.status, `ATTACK WORKED: strangers' wrong passwords locked the owner's device out: ${rest.text}`).toBe(200);
    expect(Object.keys(rest.body).sort()).toEqual(["message", "token"]);
    const byCookie = await trpcLogin(email, PASS, { ip: SPRAYERS[0], cookie: `authsvc_device=${encodeURIComponent(webDevice)}` }, "cookie");
    expect(byCookie.status, `ATTACK WORKED: the device cookie did not get the owner in: ${byCookie.text}`).toBe(200);

    expect(device, `a sign-in answers a device token: ${signIn.text}`).toMatch(/^d1\.\d+\.[\w-]+\.[\w-]+$/);
    expect(cookieLine, web.headers.getSetCookie().join("\n")).toMatch(/^authsvc_device=d1\.[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=31536000$/);
  });

  it("a reset by link (family 002 update-password with the link's token) lifts the account-wide lock", async () => {
    const email = "dewi.reset@example.com";
    await account002(email, OWNER_IP);
    await spray(email);
    expect((await login002(email, PASS, { ip: STRANGER_IP })).status).toBe(429);
    expect((await call("POST", "/auth/send-forgot-password", { email }, { ip: OWNER_IP })).status).toBe(200);
    const mail = await mailFor(email, "password_reset");
    const link = /\/reset-password\?token=([^\s"'<>]+)/.exec(mail.text);
    expect(link, mail.text).not.toBeNull();
    const reset = await call("PATCH", "/auth/update-password", { new_password: NEW_PASS }, { ip: OWNER_IP, token: decodeURIComponent(link![1]!) });
    expect(reset.status, reset.text).toBe(200);
    const res = await login002(email, NEW_PASS, { ip: STRANGER_IP });
    expect(res.status, `ATTACK WORKED: the reset link left the account locked: ${res.text}`).toBe(200);
  });
});
