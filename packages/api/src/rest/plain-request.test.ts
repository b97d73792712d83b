/**
 * The REST families without a `Request` (`handler.rest`, what the server calls straight from
 * node:http): each kind of answer is the one `handler.fetch` gives for the same request, the
 * body is read once at most, under the cap, and only by a route that takes one.
 */
import { describe, expect, it } from "vitest";
import type { PlainAnswer, PlainBodyRequest } from "../http/plain";
import { BodyTooLarge, MAX_BODY_BYTES } from "../http/request";
import { JSON_CT, restSetup } from "./test-helpers";

interface Sent {
  headers?: Record<string, string>;
  body?: string;
  /** The body cannot be read: the client went away. */
  gone?: boolean;
}

/** A plain request for `target`, whose body reader counts its reads and applies the limit it is given. */
function plainRequest(method: string, target: string, sent: Sent = {}) {
  const q = target.indexOf("?");
  const reads: number[] = [];
  const req: PlainBodyRequest = {
    method,
    pathname: q === -1 ? target : target.slice(0, q),
    hasQuery: q !== -1,
    search: q === -1 ? "" : target.slice(q),
    headers: new Headers(sent.headers),
    overTls: false,
    info: { remoteAddress: "127.0.0.1" },
    async body(limit) {
      reads.push(limit);
      if (sent.gone) throw new Error("aborted");
      const bytes = Buffer.from(sent.body ?? "");
      if (bytes.byteLength > limit) throw new BodyTooLarge();
      return bytes;
    },
  };
  return { req, reads };
}

/** The same request as a fetch `Request`. */
function fetchRequest(method: string, target: string, sent: Sent = {}): Request {
  const body = sent.gone
    ? new ReadableStream({ pull: (c) => c.error(new Error("aborted")) })
    : method === "GET" || method === "HEAD"
      ? undefined
      : (sent.body ?? "");
  return new Request(`http://localhost${target}`, { method, headers: sent.headers, body, duplex: "half" } as RequestInit);
}

const wire = async (res: Response): Promise<PlainAnswer> => ({ status: res.status, headers: [...res.headers], body: await res.text() });

describe("handler.rest answers a REST request without a Request, as handler.fetch does", () => {
  const cases: [label: string, method: string, target: string, sent: Sent, status: number, reads: number][] = [
    ["an unknown path under a family prefix", "POST", "/api/v1/authentication/1/nope", { headers: JSON_CT, body: "{}" }, 404, 0],
    ["a documented path with another method (Allow)", "DELETE", "/api/v1/authentication/1/", {}, 405, 0],
    ["HEAD of a GET route", "HEAD", "/api/v1/auth/status?id=x", {}, 405, 0],
    ["a body that is not JSON by its type", "POST", "/verify-phone", { headers: { "content-type": "text/plain" }, body: "{}" }, 415, 0],
    ["malformed JSON", "POST", "/auth/login", { headers: JSON_CT, body: "{" }, 400, 1],
    ["an empty body", "POST", "/v1/auth/login", { headers: JSON_CT, body: "" }, 400, 1],
    ["a body the route's validation refuses", "POST", "/api/v1/auth/login/", { headers: JSON_CT, body: "{}" }, 400, 1],
    ["a body over the cap", "PUT", "/api/v1/authentication/1", { headers: JSON_CT, body: "{}" + " ".repeat(MAX_BODY_BYTES) }, 413, 1],
    ["a body the client never finished", "POST", "/api/v1/authentication/", { headers: JSON_CT, gone: true }, 500, 1],
    ["a core error (unknown id, percent-encoded)", "PATCH", "/api/v1/authentication/%39%39/", { headers: JSON_CT, body: '{"mobile_number":"081234567890"}' }, 404, 1],
    ["a query string", "GET", "/api/v1/auth/status?id=a%20b&id=c", {}, 404, 0],
    ["a bearer route without its token", "GET", "/3p/token/?userId=1", {}, 401, 0],
  ];

  it.each(cases)("%s", async (_label, method, target, sent, status, reads) => {
    const h = restSetup();
    const { req, reads: read } = plainRequest(method, target, sent);
    const plain = await h.handler.rest(req);
    expect(plain?.status, plain?.body).toBe(status);
    expect(read).toEqual(Array.from({ length: reads }, () => MAX_BODY_BYTES));
    const fetched = await wire(await h.handler.fetch(fetchRequest(method, target, sent), { remoteAddress: "127.0.0.1" }));
    // Family 001 stamps its answers with the time.
    const untimed = (a: PlainAnswer) => ({ ...a, headers: [...a.headers], body: a.body.replace(/"timestamp":"[^"]*"/, "") });
    expect(untimed(plain!)).toEqual(untimed(fetched));
    if (status === 500) expect(h.logger.lines.some((l) => l.level === "error" && /rest route failed/.test(JSON.stringify(l)))).toBe(true);
  });

  it("a success, then a core error with Retry-After: headers in the order fetch lists them", async () => {
    const h = restSetup();
    const send = () => h.handler.rest(plainRequest("POST", "/api/v1/authentication", { headers: JSON_CT, body: '{"mobile_number":"081234567890"}' }).req)!;
    const created = await send();
    expect(created.status, created.body).toBe(201);
    expect(created.headers).toEqual([
      ["cache-control", "no-store"],
      ["content-type", "application/json; charset=utf-8"],
    ]);
    expect(JSON.parse(created.body)).toMatchObject({ code: 201, success: true, payload: { data: [{ id: "1", mobile: "081234567890" }] } });
    const again = await send();
    expect(again.status).toBe(429);
    expect(again.headers.map(([name]) => name)).toEqual(["cache-control", "content-type", "retry-after"]);
    const fetched = await h.handler.fetch(fetchRequest("POST", "/api/v1/authentication", { headers: JSON_CT, body: '{"mobile_number":"081234567890"}' }), { remoteAddress: "127.0.0.1" });
    expect(fetched.status).toBe(429);
    expect([...fetched.headers].map(([name]) => name)).toEqual(again.headers.map(([name]) => name));
    expect(await fetched.text()).toBe(again.body);
  });

  it("is no answer, and reads nothing, for the API's other routes (tRPC, the simple routes)", () => {
    const h = restSetup();
    for (const [method, target] of [
      ["GET", "/api/trpc/user.me"],
      ["POST", "/api/trpc/auth.register"],
      ["GET", "/api/health"],
    ] as const) {
      const { req, reads } = plainRequest(method, target, { headers: JSON_CT, body: "{}" });
      expect(h.handler.rest(req), `${method} ${target}`).toBeUndefined();
      expect(reads).toEqual([]);
    }
  });
});
