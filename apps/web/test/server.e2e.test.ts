import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { instancesOf, requireBuild, serverEngines, serviceForBlock, start } from "./support/server";

// Exercises the production bundle exactly as `pnpm start` runs it: one process, API on the fast path, Next for pages.

async function trpc(base: string, procedure: string, input: unknown, init: RequestInit = {}) {
  const res = await fetch(`${base}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
    ...init,
  });
  return { status: res.status, body: (await res.json()) as { result?: { data?: Record<string, unknown> } } };
}

/** Status, raw header lines in order (but the per-response id and date) and body, as sent. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: string[]; body: string; requestId: string }>((resolve, reject) => {
    get(url, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        const lines: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve({
          status: res.statusCode ?? 0,
          headers: lines.filter((l) => !/^(x-request-id|date):/i.test(l)),
          body,
          requestId: String(res.headers["x-request-id"]),
        });
      });
    }).on("error", reject);
  });
}

describe.each(serverEngines)("production server (dist/server.mjs) on %s", (engine) => {
  let accessToken: string | undefined;
  let base: string;
  // On SQLite, no DATABASE_URL and no AUTH_SECRET: the defaults (./data/auth.db, generated secret) are
  // what is exercised. On PostgreSQL a fresh database, and the secret it must be given.
  const block = serviceForBlock(engine, "server", {}, { defaultData: true });
  if (!block) return;
  const service = () => block.service();

  beforeAll(async () => {
    base = service().base;
    const health = await fetch(`${base}/api/health`);
    expect(await health.json()).toEqual({ status: "ok" });
  });

  const where = engine === "SQLite" ? "keeps its data and generated secret under ./data" : "makes no ./data folder: the data and the secret are given";
  it(`announces where it listens and ${where}`, () => {
    for (const { base: own, dir, server } of service().instances) {
      expect(server.output()).toContain(`authsvc listening on ${own}`);
      const kept = [existsSync(path.join(dir, "data", "auth.db")), existsSync(path.join(dir, "data", "auth-secret"))];
      expect(kept).toEqual(engine === "SQLite" ? [true, true] : [false, false]);
      expect(existsSync(path.join(dir, "data"))).toBe(engine === "SQLite");
    }
  });

  it("serves the home page from Next", async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("<title>authsvc</title>");
  });

  it("serves the dev outbox as JSON", async () => {
    const res = await fetch(`${base}/api/dev/outbox?to=x`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ messages: [] });
  });

  it("registers, verifies by emailed code and answers user.me with the token", async () => {
    const email = "ana@example.com";
    const registered = await trpc(base, "auth.register", {
      email,
      password: "correct horse battery",
      fullName: "Ana Example",
      username: "ana",
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    const verificationId = registered.body.result?.data?.verificationId;
    expect(typeof verificationId).toBe("string");

    const outbox = await fetch(`${base}/api/dev/outbox?to=${encodeURIComponent(email)}`);
    expect(outbox.status).toBe(200);
    const { messages } = (await outbox.json()) as { messages: { code?: string }[] };
    const code = messages[0]?.code;
    expect(code, JSON.stringify(messages)).toMatch(/^\d{6}$/);

    const verified = await trpc(base, "auth.verifyRegistration", { verificationId, code });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    accessToken = verified.body.result?.data?.accessToken as string | undefined;
    expect(typeof accessToken).toBe("string");

    const me = await fetch(`${base}/api/trpc/user.me`, { headers: { authorization: `Bearer ${accessToken}` } });
    const meBody = (await me.json()) as { result?: { data?: Record<string, unknown> } };
    expect(me.status, JSON.stringify(meBody)).toBe(200);
    const user = meBody.result?.data ?? {};
    expect(user.email).toBe(email);
    expect(user).toHaveProperty("id");
    expect(user).toHaveProperty("customerId");
    expect(user).toHaveProperty("accountNumber");
  });

  it("answers user.me and session.list from node:http byte for byte as through tRPC's adapter, and logs them", async () => {
    for (const name of ["user.me", "session.list"]) {
      const signedInOrNot: Record<string, string>[] = [{ authorization: `Bearer ${accessToken}` }, {}];
      for (const headers of signedInOrNot) {
        const fast = await rawGet(`${base}/api/trpc/${name}`, headers);
        // Any query string takes the request through tRPC's fetch adapter, which ignores it.
        const adapter = await rawGet(`${base}/api/trpc/${name}?via=adapter`, headers);
        expect(fast.status).toBe(headers.authorization ? 200 : 401);
        expect({ ...fast, requestId: "" }).toEqual({ ...adapter, requestId: "" });
        await expect.poll(() => service().output()).toContain(`"requestId":"${fast.requestId}","method":"GET","path":"/api/trpc/${name}","status":${fast.status}`);
      }
    }
  });

  it.runIf(instancesOf(engine) > 1)("shared the flows above between its instances: each answered part of them", () => {
    // The balancer takes turns, so a code sent through one instance was checked, and the
    // token it gave used, through whichever came next.
    for (const { server } of service().instances) expect(server.output()).toContain('"path":"/api/trpc/');
    const all = service().instances.map(({ server }) => server.output()).join("\n");
    expect(all).toContain('"path":"/api/trpc/auth.');
    expect(all).toContain('"path":"/api/trpc/user.me"');
  });

  it("shuts down cleanly on SIGTERM", async () => {
    for (const { server } of service().instances) {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
  });
});

describe("production server with a bad environment", () => {
  it("exits non-zero naming the variable", async () => {
    requireBuild();
    const cwd = mkdtempSync(path.join(tmpdir(), "authsvc-e2e-bad-"));
    try {
      const server = start(cwd, { PORT: "abc" });
      const code = await server.exited;
      expect(code).not.toBe(0);
      expect(server.output()).toContain('Invalid environment: PORT must be an integer between 1 and 65535 (got "abc")');
      expect(existsSync(path.join(cwd, "data"))).toBe(false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
