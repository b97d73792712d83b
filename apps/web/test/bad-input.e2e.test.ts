/**
 * Issue 19, hole 7, against the production bundle on each engine: bad input answers a 4xx in
 * the family's envelope, never a 500, and logs no stack trace.
 * - An id no row can have (past int4, where PostgreSQL refused the query) is an unknown id.
 * - U+0000 in an email at login answers exactly as a wrong email or password.
 * - A malformed `Host` (`a b`, `[::ffff:127.0.0.1]`) is a 400 in the envelope of the route it
 *   names; it was a 500 on every API route, with a stack trace in the log per request. Sent
 *   over a raw socket to each instance, as no fetch client sends such a Host.
 */
import { connect } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { expect000, expect001, expect002, expect003, expect004, expectCleanJson, type Wire } from "@authsvc/api/testing";
import { callAs, outboxCode, serverEngines, sharedServiceForBlock, uniquePhone, uniqueTag } from "./support/server";

let base = "";

const call = (method: string, route: string, body?: unknown, token?: string) => callAs(base, method, route, body, token);

const codeFor = (to: string, purpose: string) => outboxCode(base, to, purpose);

/** One HTTP/1.1 request written byte for byte, `Host` as given; the answer as a Wire. */
function raw(port: number, method: string, route: string, host: string, body?: unknown): Promise<Wire> {
  const payload = body === undefined ? "" : JSON.stringify(body);
  const head = [
    `${method} ${route} HTTP/1.1`,
    `Host: ${host}`,
    "Accept: application/json",
    "Connection: close",
    ...(body === undefined ? [] : ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(payload)}`]),
    "",
    "",
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(head + payload));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [top = "", ...rest] = text.split("\r\n\r\n");
      const [statusLine = "", ...headerLines] = top.split("\r\n");
      const headers = new Headers();
      for (const line of headerLines) {
        const i = line.indexOf(":");
        if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      let bodyText = rest.join("\r\n\r\n");
      // A chunked answer: the JSON is the one chunk between its size line and the last chunk.
      if (headers.get("transfer-encoding") === "chunked") bodyText = bodyText.split("\r\n").filter((_, i) => i % 2 === 1).join("");
      let parsed: unknown;
      try {
        parsed = JSON.parse(bodyText);
      } catch {
        parsed = undefined;
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, text: bodyText, body: parsed });
    });
  });
}

/** A stack frame, or the server's last-resort error lines. */
const STACK = /\n\s+at |\bat (file|node):|api handler threw|"stack"/;

describe.each(serverEngines)("production server on %s", (engine) => {
  // The run's default service, shared with other files: every name and number is the test's own,
  // and "no stack trace" is read from what the service logged since this block began.
  const block = sharedServiceForBlock(engine);
  if (!block) return;
  beforeAll(() => {
    base = block.service().base;
  });
  const service = () => block.service();
  const database = () => block.database();

  it("ids past the stored integer range are unknown ids: family 000 answers 404, 001's /3p/token 404 to an admin and 401 to others", async () => {
    const phone = uniquePhone();
    const created = await call("POST", "/api/v1/authentication/", { mobile_number: phone });
    expect(created.status, created.text).toBe(201);
    const id = created.body.payload.data[0].id as string;
    const login = await call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: phone, otp_code: await codeFor(phone, "login") });
    expect(login.status, login.text).toBe(200);
    const token = login.body.payload.data[0].access_token as string;

    for (const bad of ["99999999999", "2147483648", "9223372036854775808", "-1"]) {
      expect000(await call("PATCH", `/api/v1/authentication/${bad}/`, { mobile_number: phone }), 404, "Authentication not found");
      expect000(await call("PUT", `/api/v1/authentication/${bad}/`, { mobile_number: phone, otp_code: "123456" }), 404, "Authentication not found");
      expect000(await call("PATCH", `/api/v1/authorization/${bad}/`, { mobile_number: phone, access_token: token }), 404, "Authentication not found");
      expect001(await call("GET", `/3p/token?userId=${bad}`, undefined, token), 401);
    }
    expect(await database().rows("update users set role = 'admin' where id = ? returning id", Number(id))).toHaveLength(1);
    for (const bad of ["99999999999", "2147483648"]) {
      expect001(await call("GET", `/3p/token?userId=${bad}`, undefined, token), 404, `Not found: Cannot found user with id ${bad}`);
      const trpc = await call("GET", `/api/trpc/firebase.token?input=${encodeURIComponent(JSON.stringify({ userId: Number(bad) }))}`, undefined, token);
      expect(trpc.status, trpc.text).toBe(404);
    }
    expect(service().output()).not.toMatch(STACK);
  });

  it("a login with U+0000 in the email answers exactly as a wrong email or password (002, 003, tRPC)", async () => {
    const tag = uniqueTag();
    const local = `nul.victim.${tag}`;
    const email = `${local}@example.com`;
    const nobody = `nobody.${tag}@example.com`;
    const wrong002 = await call("POST", "/auth/login", { email: nobody, password: "Kopi-Susu-Gula-42" });
    const wrong003 = await call("POST", "/api/v1/auth/login", { email: nobody, password: "Kopi-Susu-Gula-42" });
    const wrongTrpc = await call("POST", "/api/trpc/auth.loginWithPassword", { identifier: nobody, password: "Kopi-Susu-Gula-42" });
    expect002(wrong002, 401);
    expect003(wrong003, 401);
    for (const typed of [`${local.replace(".", "\u0000.")}@example.com`, `${email}\u0000`, `${local}@exa\u0000mple.com`]) {
      const r002 = await call("POST", "/auth/login", { email: typed, password: "Kopi-Susu-Gula-42" });
      expect002(r002, 401);
      expect(r002.body).toEqual(wrong002.body);
      const r003 = await call("POST", "/api/v1/auth/login", { email: typed, password: "Kopi-Susu-Gula-42" });
      expect003(r003, 401);
      expect(r003.body).toEqual(wrong003.body);
      const trpc = await call("POST", "/api/trpc/auth.loginWithPassword", { identifier: typed, password: "Kopi-Susu-Gula-42" });
      expect(trpc.status, trpc.text).toBe(401);
      expect(trpc.body).toEqual(wrongTrpc.body);
      // Registrations refuse it as an invalid email.
      expect002(await call("POST", "/auth/register", { email: typed, password: "Kopi-Susu-Gula-42", fullname: "Siti Nurhaliza" }), 400);
    }
    expect(service().output()).not.toMatch(STACK);
  });

  it("a malformed Host answers 400 in the route's envelope on every API route, and logs no stack trace", async () => {
    for (const instance of service().instances) {
      for (const host of ["a b", "[::ffff:127.0.0.1]", "example.com:99999"]) {
        expect000(await raw(instance.port, "POST", "/api/v1/authentication/", host, { mobile_number: "+6281277700042" }), 400);
        expect001(await raw(instance.port, "POST", "/verify-phone", host, { phoneNumber: "+6281277700042" }), 400);
        expect002(await raw(instance.port, "POST", "/auth/login", host, { email: "a@example.com", password: "Kopi-Susu-Gula-42" }), 400);
        expect003(await raw(instance.port, "GET", "/api/v1/auth/status?id=x", host), 400);
        expect004(await raw(instance.port, "POST", "/v1/auth/login", host, { username: "siti", mpin: "123456" }), 400);
        for (const [method, route] of [
          ["GET", "/api/trpc/user.me"],
          ["POST", "/api/trpc/auth.forgotPassword"],
        ] as const) {
          const res = await raw(instance.port, method, route, host, method === "POST" ? { identifier: "a@example.com" } : undefined);
          expect(res.status, `${host} ${method} ${route}: ${res.text}`).toBe(400);
          expectCleanJson(res);
          expect(res.body.error.data).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400 });
        }
        const health = await raw(instance.port, "GET", "/api/health", host);
        expect(health.status, `${host} GET /api/health: ${health.text}`).toBe(400);
        expectCleanJson(health);
      }
    }
    expect(service().output(), "a stack trace was logged for a malformed Host").not.toMatch(STACK);
    // Still served with a well-formed Host.
    expect((await call("GET", "/api/health")).status).toBe(200);
  });

  it("a request target the server's adapter refuses (a backslash in an API path) is a 400, not a 500 with a stack trace", async () => {
    for (const instance of service().instances) {
      const res = await raw(instance.port, "GET", "/api/trpc/user.me\\..\\x", `127.0.0.1:${instance.port}`);
      expect(res.status, res.text).toBe(400);
      expectCleanJson(res);
    }
    expect(service().output()).not.toMatch(STACK);
  });
});
