/**
 * Issue 20: the REST families' answers on the wire, against the production bundle on SQLite
 * (what is tested is how the server writes an answer, which no engine changes). Every
 * request is sent twice: in origin form (`POST /api/v1/authentication/`), as clients send
 * it, and in absolute form (`POST http://host:port/api/v1/authentication/`), as a proxy may,
 * which the server always answers through the fetch adapter (`api.fetch`), whose answers
 * are the reference. The two must be the same bytes: status line, every header line in
 * order and case (the Date and X-Request-Id values aside), body. Answers that carry values
 * of their own (ids, tokens, times, the seconds left of a cooldown) are compared with those
 * values masked, each mask keeping the value's length, so the lengths still count.
 */
import { connect } from "node:net";
import { Agent, request as httpRequest } from "node:http";
import { createSqliteDatabase } from "@authsvc/db";
import { beforeAll, describe, expect, it } from "vitest";
import { outboxCode, serviceForBlock, type Instance } from "./support/server";

/** The bytes of an answer as read off the socket, per line. */
interface RawAnswer {
  statusLine: string;
  headerLines: string[];
  body: string;
}

interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** One string: sent with its Content-Length. An array: sent chunk by chunk, chunked, without one. */
  body?: string | string[];
}

const KiB = 1024;
const CAP = 64 * KiB;

let instance: Instance;

/** One request on a connection of its own, kept alive as a client's would be; the answer as sent. */
function send(sent: Sent, form: "origin" | "absolute"): Promise<RawAnswer> {
  const target = form === "origin" ? sent.path : `http://127.0.0.1:${instance.port}${sent.path}`;
  const agent = new Agent({ keepAlive: true });
  const body = sent.body;
  const headers = { ...sent.headers, ...(typeof body === "string" ? { "content-length": String(Buffer.byteLength(body)) } : {}) };
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: instance.port, method: sent.method, path: target, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const headerLines: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const [name, value] = [res.rawHeaders[i]!, res.rawHeaders[i + 1]!];
          headerLines.push(/^(date|x-request-id)$/i.test(name) ? `${name}: <value>` : `${name}: ${value}`);
        }
        resolve({ statusLine: `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`, headerLines, body: Buffer.concat(chunks).toString("latin1") });
        agent.destroy();
      });
    });
    // Answered before the whole body was sent (413): the server may close while we still write.
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : reject(err)));
    if (Array.isArray(body)) for (const chunk of body) req.write(chunk);
    else if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Values an answer makes for itself, each masked to its own length. */
const VOLATILE = [
  /eyJ[\w-]+\.[\w-]+\.[\w-]+/g, // JWTs
  /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)/g, // timestamps
  /\b1\d{12}\b/g, // epoch milliseconds
  /"id":"\d+"/g,
  /"mobile":"[^"]*"/g,
];
const mask = (text: string) => VOLATILE.reduce((t, re) => t.replace(re, (m) => "#".repeat(m.length)), text);

function sameBytes(plain: RawAnswer, adapter: RawAnswer, label: string): void {
  // A cooldown's seconds may tick between the two requests; anything else must match.
  const retry = (a: RawAnswer) => a.headerLines.find((l) => /^retry-after:/i.test(l));
  const [p, r] = [retry(plain), retry(adapter)];
  if (p && r) expect(Math.abs(Number(p.split(": ")[1]) - Number(r.split(": ")[1])), `${label}: ${p} / ${r}`).toBeLessThanOrEqual(1);
  const comparable = (a: RawAnswer) => ({ ...a, headerLines: a.headerLines.map((l) => (l === retry(a) ? "retry-after: <seconds>" : l)), body: mask(a.body) });
  expect(comparable(plain), label).toEqual(comparable(adapter));
}

/** Sends the request in origin form, then in absolute form; both answers must be the same bytes. */
async function both(sent: Sent, status: number): Promise<RawAnswer> {
  const label = `${sent.method} ${sent.path}`;
  const plain = await send(sent, "origin");
  const adapter = await send(sent, "absolute");
  expect(plain.statusLine, `${label}: ${plain.body}`).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  sameBytes(plain, adapter, label);
  return plain;
}

const json = { "content-type": "application/json" };
const post = (path: string, body: unknown, headers: Record<string, string> = json): Sent => ({ method: "POST", path, headers, body: JSON.stringify(body) });

/** Each family's hottest body route, with a body its validation refuses. */
const BODY_ROUTES = [
  { family: "000", method: "POST", path: "/api/v1/authentication/" },
  { family: "000", method: "PUT", path: "/api/v1/authentication/1" },
  { family: "001", method: "POST", path: "/verify-phone" },
  { family: "002", method: "PATCH", path: "/auth/update-password" },
  { family: "002", method: "POST", path: "/auth/login" },
  { family: "003", method: "POST", path: "/api/v1/auth/login/" },
  { family: "004", method: "POST", path: "/v1/auth/login" },
] as const;

describe("REST answers from node:http are the fetch adapter's, byte for byte", () => {
  const block = serviceForBlock("SQLite", "rest-wire");
  if (!block) return;
  beforeAll(() => {
    instance = block.service().instances[0]!;
  });
  const base = () => block.service().base;

  it("a code request and a sign-in (success, core errors, a cooldown with Retry-After)", async () => {
    const phones = ["+6281277700101", "+6281277700102"];
    const sent = await Promise.all([0, 1].map((i) => send(post("/api/v1/authentication/", { mobile_number: phones[i] }), i ? "absolute" : "origin")));
    expect(sent[0]!.statusLine).toMatch(/ 201 /);
    sameBytes(sent[0]!, sent[1]!, "POST /api/v1/authentication/");
    const id = String(JSON.parse(sent[0]!.body).payload.data[0].id);

    // Again within the cooldown: 429, Retry-After.
    const cooldown = await both(post("/api/v1/authentication", { mobile_number: phones[0] }), 429);
    expect(cooldown.headerLines.some((l) => /^retry-after: \d+$/.test(l))).toBe(true);
    // A wrong code (a core error, 400), an unknown id (404), in the path as sent and percent-encoded.
    await both({ ...post(`/api/v1/authentication/${id}/`, { mobile_number: phones[0], otp_code: "000000" }), method: "PUT" }, 400);
    await both({ ...post("/api/v1/authentication/99999/", { mobile_number: phones[0] }), method: "PATCH" }, 404);
    await both({ ...post("/api/v1/authentication/%39%39", { mobile_number: phones[0] }), method: "PATCH" }, 404);
    await both({ ...post("/api/v1/authentication/%E0%A4%A/", { mobile_number: phones[0] }), method: "PATCH" }, 404);

    // The right code, once through each way in: tokens masked.
    const codes = [await outboxCode(base(), phones[0]!, "login")];
    const first = await send({ ...post(`/api/v1/authentication/${id}/`, { mobile_number: phones[0], otp_code: codes[0] }), method: "PUT" }, "origin");
    const other = String(JSON.parse(sent[1]!.body).payload.data[0].id);
    const second = await send(
      { ...post(`/api/v1/authentication/${other}/`, { mobile_number: phones[1], otp_code: await outboxCode(base(), phones[1]!, "login") }), method: "PUT" },
      "absolute",
    );
    expect(first.statusLine).toMatch(/ 200 /);
    sameBytes(first, second, "PUT /api/v1/authentication/{id}/");
  });

  it("answers every refusal before a route runs as before: 404, 405 with Allow, HEAD, 415, malformed JSON, validation", async () => {
    await both(post("/api/v1/authentication/1/nope", {}), 404);
    await both(post("/user/nothing-here", {}), 404);
    await both({ method: "DELETE", path: "/api/v1/authentication/1" }, 405);
    await both({ method: "GET", path: "/api/v1/authentication/" }, 405);
    await both({ method: "HEAD", path: "/api/v1/authentication" }, 405);
    await both({ method: "HEAD", path: "/api/v1/auth/status?id=x" }, 405);
    await both({ method: "GET", path: "/api/v1/auth/status?id=a%20b&id=c" }, 404);
    await both({ method: "GET", path: "/3p/token?userId=1" }, 401);
    for (const { method, path } of BODY_ROUTES) {
      const as = (headers: Record<string, string>, body: string | string[]): Sent => ({ method, path, headers, body });
      await both(as({ "content-type": "text/plain" }, "{}"), 415);
      await both(as({}, "{}"), 415);
      await both(as(json, "{"), 400);
      await both(as(json, ""), 400);
      await both(as({ "content-type": "application/vnd.api+json; charset=utf-8" }, "{}"), 400);
      // The same, chunked without a Content-Length, and exactly at the cap.
      await both(as(json, ["{", "}"]), 400);
      await both(as(json, "{}" + " ".repeat(CAP - 2)), 400);
    }
  });

  it("refuses a body over 64 KiB with 413, declared or streamed, and stays up", async () => {
    for (const { method, path } of BODY_ROUTES) {
      await both({ method, path, headers: json, body: "{}" + " ".repeat(CAP - 1) }, 413);
      await both({ method, path, headers: { ...json, "content-length": String(10 * CAP) } }, 413);
      await both({ method, path, headers: json, body: Array.from({ length: 20 }, () => " ".repeat(8 * KiB)) }, 413);
    }
    expect((await fetch(`${base()}/api/health`)).status).toBe(200);
  });

  it("answers a route that fails (the database refuses) with its family's 500, logged", async () => {
    const alter = (sql: string) => {
      const db = createSqliteDatabase(block.database().env.DATABASE_URL!, { migrate: false }).$client;
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    };
    alter("alter table rate_limits rename to rate_limits_gone");
    try {
      await both(post("/api/v1/authentication/", { mobile_number: "+6281277700103" }), 500);
      await both(post("/v1/auth/login", { username: "nobody", mpin: "123456" }), 500);
    } finally {
      alter("alter table rate_limits_gone rename to rate_limits");
    }
    expect(block.service().output()).toContain('"msg":"rest route failed"');
  });

  it("answers a malformed Host with 400 in the route's envelope", async () => {
    for (const host of ["a b", "[::ffff:127.0.0.1]"]) {
      await both({ ...post("/api/v1/authentication/", { mobile_number: "+6281277700104" }), headers: { ...json, host } }, 400);
      await both({ ...post("/v1/auth/login", { username: "x", mpin: "123456" }), headers: { ...json, host } }, 400);
    }
  });

  it("survives clients that stop mid-body or never stop sending", async () => {
    // Half a declared body, then gone.
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(instance.port, "127.0.0.1", () => {
          socket.write(`POST /api/v1/authentication/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"mobile_`);
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on("close", () => resolve());
        socket.on("error", () => resolve());
      });
    }
    // A chunked body that goes on after the 413: the server stops listening to it.
    const answered = await new Promise<string>((resolve, reject) => {
      const socket = connect(instance.port, "127.0.0.1", () => {
        socket.write(`POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
        const chunk = `${(16 * KiB).toString(16)}\r\n${" ".repeat(16 * KiB)}\r\n`;
        const timer = setInterval(() => socket.writable && socket.write(chunk), 5);
        let got = "";
        socket.on("data", (c: Buffer) => (got += c.toString("latin1")));
        socket.on("close", () => {
          clearInterval(timer);
          resolve(got);
        });
        socket.on("error", () => undefined);
        setTimeout(() => reject(new Error(`still open after 10 s: ${got}`)), 10_000).unref();
      });
    });
    expect(answered).toMatch(/^HTTP\/1\.1 413 /);
    expect((await fetch(`${base()}/api/health`)).status).toBe(200);
    await both(post("/api/v1/authentication/", {}), 400);
    expect(block.service().output()).not.toMatch(/api handler threw|\n\s+at /);
  });
});
