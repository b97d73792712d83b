/**
 * Two production servers (dist/server.mjs, as `pnpm start` runs it) on one fresh PostgreSQL
 * database, with a real SMTP server and SMS webhook receiver started here: the instances
 * behave as one service. Codes, sessions, limits and the outbox are shared; each message is
 * delivered once however many workers run; `kill -9` of one instance loses nothing it
 * answered 200 for, and the other keeps answering.
 *
 * PostgreSQL only: skipped with one line (said by the global setup) when no server can be had.
 * Build first: `pnpm --filter @authsvc/web build`.
 */
import { createPublicKey } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jwtVerify } from "jose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultOptions, FIREBASE_AUDIENCE, sharedServiceAccount } from "@authsvc/core";
import { openStore } from "@authsvc/db";
import { createTestPgDatabase, pgTestServerUrl, type TestPgDatabase } from "@authsvc/pg-test-server";
import { jwtPayload } from "@authsvc/api/testing";
import { freePort, request, serverFile, start, stop, waitForHealth, type Answer, type Running } from "./support/server";
import { until } from "./support/until";
import { codeIn, startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from "./support/receivers";

const AUTH_SECRET = "multi-instance-e2e-secret-0123456789-abcdef";
const SMS_SECRET = "multi-instance-sms-secret-42";
const PASSWORD = "correct horse battery staple";

interface Instance {
  name: "A" | "B";
  base: string;
  server: Running;
}

let serial = 0;
/** A client address of its own per call (TRUST_PROXY=loopback), so per-address limits meet only where a test means them to. */
const freshAddress = () => `198.51.${Math.floor(++serial / 250) % 250}.${serial % 250}`;

const call = (instance: Instance, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  request(instance.base, method, route, body, { "x-forwarded-for": freshAddress(), ...headers });

const trpc = (instance: Instance, name: string, input: unknown, headers: Record<string, string> = {}) =>
  call(instance, "POST", `/api/trpc/${name}`, input, headers);
const trpcQuery = (instance: Instance, name: string, headers: Record<string, string> = {}) => call(instance, "GET", `/api/trpc/${name}`, undefined, headers);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function data(res: Answer, label: string): Record<string, any> {
  expect(res.status, `${label}: ${res.text}`).toBe(200);
  return res.body.result.data as Record<string, any>;
}


/** The mail to `to` whose subject matches, once the SMTP server has it. */
function mailTo(smtp: SmtpReceiver, to: string, subject: RegExp) {
  return until(
    () => smtp.mails.find((m) => m.envelopeTo.includes(to) && subject.test(m.subject)),
    () => `a mail to ${to} (${subject}); got ${smtp.mails.length} mails`,
  );
}

/** A verified account with a password, made through `via`. */
async function account(via: Instance, smtp: SmtpReceiver, email: string): Promise<{ token: string; userId: number }> {
  const reg = data(await trpc(via, "auth.register", { email, password: PASSWORD }), "auth.register");
  const mail = await mailTo(smtp, email, /sign-up/i);
  const signed = data(await trpc(via, "auth.verifyRegistration", { verificationId: reg.verificationId, code: codeIn(mail.text) }), "auth.verifyRegistration");
  return { token: String(signed.accessToken), userId: Number(jwtPayload(String(signed.accessToken)).sub) };
}

describe.skipIf(!pgTestServerUrl())("two instances on one PostgreSQL database", () => {
  let database: TestPgDatabase | undefined;
  let db: pg.Client | undefined;
  let smtp: SmtpReceiver;
  let sms: WebhookReceiver;
  let cwd: string;
  let a: Instance;
  let b: Instance;

  async function launch(name: "A" | "B"): Promise<Instance> {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Each instance in a folder of its own: nothing may be shared through the disk.
    const dir = mkdtempSync(path.join(cwd, `instance-${name}-`));
    const server = start(dir, {
      PORT: String(port),
      DATABASE_URL: database!.url,
      DATABASE_POOL_SIZE: "5",
      AUTH_SECRET,
      SMTP_URL: smtp.url,
      MAIL_FROM: "no-reply@multi.authsvc.test",
      SMS_WEBHOOK_URL: sms.url,
      SMS_WEBHOOK_SECRET: SMS_SECRET,
      TRUST_PROXY: "loopback",
      PUBLIC_URL: "http://auth.multi.test",
    });
    await waitForHealth(base, server, 120_000);
    return { name, base, server };
  }

  beforeAll(async () => {
    if (!existsSync(serverFile)) throw new Error(`${serverFile} is missing: run \`pnpm --filter @authsvc/web build\` first`);
    database = await createTestPgDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    smtp = await startSmtpReceiver();
    sms = await startWebhookReceiver();
    cwd = mkdtempSync(path.join(tmpdir(), "authsvc-multi-"));
    // Started together on an empty database: both migrate (one waits for the other) and agree on one Firebase key.
    [a, b] = await Promise.all([launch("A"), launch("B")]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([stop(a?.server), stop(b?.server)]);
    await db?.end();
    await database?.drop();
    await smtp?.close();
    await sms?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it("both are ready: the migrations were applied once, by whichever started first", async () => {
    for (const instance of [a, b]) {
      const res = await fetch(`${instance.base}/api/ready`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ready" });
    }
    const { rows } = await db!.query("SELECT count(*)::int AS n, count(DISTINCT hash)::int AS distinct FROM drizzle.__drizzle_migrations");
    expect(rows[0].n).toBe(rows[0].distinct);
  });

  it("a sign-up code sent through one instance is verified through the other", async () => {
    const email = "cross.code@example.com";
    const reg = data(await trpc(a, "auth.register", { email, password: PASSWORD }), "auth.register on A");
    const mail = await mailTo(smtp, email, /sign-up/i);
    const signed = data(await trpc(b, "auth.verifyRegistration", { verificationId: reg.verificationId, code: codeIn(mail.text) }), "auth.verifyRegistration on B");
    const me = data(await trpcQuery(a, "user.me", bearer(String(signed.accessToken))), "user.me on A");
    expect(me.email).toBe(email);
    // Single use across instances: the same code through A again is refused.
    const again = await trpc(a, "auth.verifyRegistration", { verificationId: reg.verificationId, code: codeIn(mail.text) });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  });

  it("a session revoked through one instance is refused by the other at once", async () => {
    const { token } = await account(a, smtp, "revoked.session@example.com");
    expect((await trpcQuery(b, "user.me", bearer(token))).status).toBe(200);
    data(await trpc(a, "auth.logout", {}, bearer(token)), "auth.logout on A");
    const refused = await trpcQuery(b, "user.me", bearer(token));
    expect(refused.status, refused.text).toBe(401);
  });

  it("a client's resend cooldown holds across instances", async () => {
    const phone = "+62881000111";
    // One client (a cooldown is its requester's own: another client is not held by it).
    const client = { "x-forwarded-for": "203.0.113.76" };
    data(await trpc(a, "auth.requestPhoneCode", { phone }, client), "auth.requestPhoneCode on A");
    const early = await trpc(b, "auth.requestPhoneCode", { phone }, client);
    expect(early.status, early.text).toBe(429);
    expect(early.body.error.data.authCode).toBe("RESEND_COOLDOWN");
    expect(Number(early.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("a per-address limit counts the requests of both instances together", async () => {
    const client = { "x-forwarded-for": "203.0.113.77" };
    const { max } = defaultOptions.limits.signupPerIp;
    const answers: number[] = [];
    // One after another, alternating: the limit is spent half through A, half through B.
    for (let i = 0; i <= max; i++) {
      const via = i % 2 === 0 ? a : b;
      answers.push((await trpc(via, "auth.register", { email: `limit.${i}@example.com`, password: PASSWORD }, client)).status);
    }
    expect(answers.slice(0, max)).toEqual(Array(max).fill(200));
    expect(answers[max]).toBe(429);
    // And the next one through the other instance is refused too.
    const other = max % 2 === 0 ? b : a;
    expect((await trpc(other, "auth.register", { email: "limit.last@example.com", password: PASSWORD }, client)).status).toBe(429);
  });

  it("both instances sign Firebase tokens with the one key kept in the database", async () => {
    const { token } = await account(b, smtp, "firebase.user@example.com");
    const store = await openStore(database!.url, { migrate: false, poolSize: 1 });
    const account_ = JSON.parse(await sharedServiceAccount(store, AUTH_SECRET)) as { client_email: string; private_key: string };
    await store.close();
    const publicKey = createPublicKey(account_.private_key);
    for (const instance of [a, b]) {
      const signed = data(await trpcQuery(instance, "firebase.token", bearer(token)), `firebase.token on ${instance.name}`);
      const { payload } = await jwtVerify(String(signed.token), publicKey, { audience: FIREBASE_AUDIENCE, issuer: account_.client_email });
      expect(payload.uid).toBe(jwtPayload(token).sub);
    }
  });

  it("with both delivery workers running, every message arrives exactly once, retried ones included", async () => {
    const before = sms.requests.length;
    const failing = 6;
    const phones = Array.from({ length: 24 }, (_, i) => `+6288100${String(2000 + i)}`);
    // The gateway fails the first tries it gets: those messages are left to the workers.
    sms.replies.push(...Array.from({ length: failing }, () => ({ status: 503 })));
    const answers = await Promise.all(phones.map((phone, i) => trpc(i % 2 === 0 ? a : b, "auth.requestPhoneCode", { phone })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 503)).toHaveLength(failing);
    expect(statuses.filter((s) => s === 200)).toHaveLength(phones.length - failing);

    const ids = await until(async () => {
      const { rows } = await db!.query<{ id: string; status: string }>("SELECT id::text, status FROM outbox WHERE \"to\" = ANY($1)", [phones]);
      return rows.length === phones.length && rows.every((r) => r.status === "sent") ? rows.map((r) => Number(r.id)) : undefined;
    }, () => "every message marked sent by a worker", 60_000);

    const received = sms.requests.slice(before);
    // The first `failing` requests got the 503s; every other one was a delivery.
    const delivered = received.slice(failing).map((r) => Number(r.json!.id));
    expect(received.slice(0, failing).every((r) => ids.includes(Number(r.json!.id)))).toBe(true);
    expect([...delivered].sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
    // Each phone got exactly one delivered code.
    const deliveredTo = received.slice(failing).map((r) => String(r.json!.to));
    expect(new Set(deliveredTo).size).toBe(phones.length);
    expect(deliveredTo).toHaveLength(phones.length);
    // Retried at least once by a worker, and not by both: the attempts recorded add up.
    const { rows } = await db!.query<{ attempts: number }>("SELECT attempts FROM outbox WHERE \"to\" = ANY($1)", [phones]);
    expect(rows.reduce((n, r) => n + r.attempts, 0)).toBe(phones.length + failing);
  }, 90_000);

  it("kill -9 of one instance during sign-ups and logins loses no answered row, and the other keeps answering", async () => {
    // Accounts to log in to, made before the load.
    const emails = ["load.one@example.com", "load.two@example.com"];
    for (const email of emails) await account(a, smtp, email);

    const signedUp: string[] = [];
    const sessionIds: string[] = [];
    /** Every answer that was not a 200, from either instance: there should be none. */
    const refused: string[] = [];
    let answeredByA = 0;
    let answeredByBAfterKill = 0;
    let killed = false;
    let stopAt = Infinity;
    let n = 0;

    async function work(via: Instance): Promise<void> {
      while (Date.now() < stopAt) {
        const i = ++n;
        let res: Answer;
        try {
          res =
            i % 2 === 0
              ? await call(via, "POST", "/auth/register", { email: `load.signup.${i}@example.com`, password: "Load-pass-1", fullname: `Load ${i}` })
              : await trpc(via, "auth.loginWithPassword", { identifier: emails[i % emails.length], password: PASSWORD });
        } catch (error) {
          // Only the killed instance may leave a request unanswered; its workers stop there.
          if (via === b || !killed) throw error;
          return;
        }
        if (res.status !== 200) refused.push(`${via.name} ${res.status} ${res.text}`);
        else if (i % 2 === 0) signedUp.push(`load.signup.${i}@example.com`);
        else sessionIds.push(String(jwtPayload(String(res.body.result.data.accessToken)).sid));
        if (via === a) answeredByA++;
        if (killed && via === b) answeredByBAfterKill++;
      }
    }

    const workers = [...Array.from({ length: 4 }, () => work(a)), ...Array.from({ length: 4 }, () => work(b))];
    // In the middle of the load: A has answered some requests, and has others in flight.
    await until(() => (answeredByA >= 12 ? true : undefined), () => `12 answers from A (got ${answeredByA})`);
    killed = true;
    a.server.child.kill("SIGKILL");
    await a.server.exited;
    await until(() => (answeredByBAfterKill >= 16 ? true : undefined), () => `16 answers from B after the kill (got ${answeredByBAfterKill})`, 60_000);
    stopAt = Date.now();
    await Promise.all(workers);

    expect(refused).toEqual([]);
    const users = await db!.query<{ email: string }>("SELECT email FROM users WHERE email = ANY($1)", [signedUp]);
    expect(users.rows.map((r) => r.email).sort()).toEqual([...signedUp].sort());
    const sessions = await db!.query<{ id: string }>("SELECT id FROM sessions WHERE id = ANY($1)", [sessionIds]);
    expect(sessions.rows.map((r) => r.id).sort()).toEqual([...sessionIds].sort());
    expect((await fetch(`${b.base}/api/ready`)).status).toBe(200);
  }, 120_000);
});
