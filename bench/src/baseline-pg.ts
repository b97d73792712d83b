/**
 * The baseline on PostgreSQL: baseline-server.ts's routes and work, through the driver the
 * service uses (`pg`), one pool of the service's default size, every statement prepared once
 * per connection (a named query). A token check is one round trip: the session-and-user lookup
 * (plus the sliding touch when the session was last used a minute ago or more). Each code
 * route is one transaction on one pooled connection.
 *
 * Environment: PORT, SERVICE_DB and SCRATCH_DB (postgres:// URLs), AUTH_SECRET.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import pg from "pg";
import { SESSION_TOUCH_INTERVAL_MS } from "@authsvc/core/vocabulary";
import { createPgDatabase, defaultPgPoolSize } from "@authsvc/db/pg";
import {
  verifyAccess,
  accountNumbers,
  CODE_TTL_MS,
  codeHash,
  digits,
  env,
  firebaseToken,
  listen,
  meta,
  readJson,
  safeEqual,
  send,
  SESSION_AND_USER_COLUMNS,
  SESSION_TTL_MS,
  signAccess,
} from "./baseline-common";

// Epoch milliseconds are bigint columns: read them as numbers, as the service's schema does.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

const service = new pg.Pool({ connectionString: env("SERVICE_DB"), max: defaultPgPoolSize });
// Migrations on the scratch database, as the SQLite baseline's createSqliteDatabase applies them.
await (await createPgDatabase(env("SCRATCH_DB"), { poolSize: 1 })).$client.end();
const scratch = new pg.Pool({ connectionString: env("SCRATCH_DB"), max: defaultPgPoolSize });

type Query = { name: string; text: string };
const prepared = (name: string, text: string): Query => ({ name, text });

const q = {
  session: prepared("session", `SELECT ${SESSION_AND_USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`),
  touch: prepared("touch", `UPDATE sessions SET last_used_at = $1 WHERE id = $2`),
  hit: prepared(
    "hit",
    `INSERT INTO rate_limits (key, count, window_start) VALUES ($1, 1, $2)
     ON CONFLICT (key) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`,
  ),
  peek: prepared("peek", `SELECT count FROM rate_limits WHERE key = $1`),
  userByPhone: prepared("userByPhone", `SELECT id, phone_verified_at AS "phoneVerifiedAt", status FROM users WHERE phone = $1`),
  userById: prepared("userById", `SELECT id, phone, role, status, phone_verified_at AS "phoneVerifiedAt" FROM users WHERE id = $1`),
  insertUser: prepared(
    "insertUser",
    `INSERT INTO users (email, phone, username, full_name, role, status, customer_number, account_number, email_verified_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'ACTIVE', $6, $7, $8, $9, $10) RETURNING id`,
  ),
  insertCredentials: prepared("insertCredentials", `INSERT INTO credentials (user_id, password_hash, password_changed_at) VALUES ($1, $2, $3)`),
  latest: prepared("latest", `SELECT * FROM challenges WHERE purpose = $1 AND destination = $2 ORDER BY created_at DESC, last_sent_at DESC LIMIT 1`),
  challenge: prepared("challenge", `SELECT * FROM challenges WHERE id = $1`),
  supersede: prepared(
    "supersede",
    `UPDATE challenges SET superseded_at = $1 WHERE purpose = $2 AND destination = $3 AND consumed_at IS NULL AND superseded_at IS NULL`,
  ),
  insertChallenge: prepared(
    "insertChallenge",
    `INSERT INTO challenges (id, user_id, purpose, channel, destination, code_hash, expires_at, attempts_left, send_count, last_sent_at, payload, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 5, 1, $8, $9, $10)`,
  ),
  consume: prepared("consume", `UPDATE challenges SET consumed_at = $1 WHERE id = $2 AND consumed_at IS NULL AND superseded_at IS NULL`),
  clearPayload: prepared("clearPayload", `UPDATE challenges SET payload = NULL WHERE id = $1`),
  verifyPhone: prepared("verifyPhone", `UPDATE users SET phone_verified_at = $1, updated_at = $2 WHERE id = $3`),
  outbox: prepared(
    "outbox",
    `INSERT INTO outbox (channel, "to", purpose, subject, text, code, status, attempts, challenge_id, created_at, sent_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'sent', 1, $7, $8, $9)`,
  ),
  audit: prepared("audit", `INSERT INTO audit_events (at, user_id, kind, outcome, ip, user_agent, detail) VALUES ($1, $2, $3, 'ok', $4, $5, $6)`),
  insertSession: prepared(
    "insertSession",
    `INSERT INTO sessions (id, user_id, kind, created_at, expires_at, last_used_at, authenticated_at, user_agent, ip) VALUES ($1, $2, 'api', $3, $4, $5, $6, $7, $8)`,
  ),
};

type Db = Pick<pg.Pool, "query">;
const get = async <T>(db: Db, query: Query, ...values: unknown[]) => (await db.query({ ...query, values })).rows[0] as T | undefined;
const run = async (db: Db, query: Query, ...values: unknown[]) => (await db.query({ ...query, values })).rowCount ?? 0;

/** `fn` in one transaction on one connection of the scratch pool. */
async function transaction<T>(fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await scratch.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    client.release();
    return out;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    client.release();
    throw error;
  }
}

type Row = Record<string, unknown> & { userId: number; expiresAt: number; revokedAt: number | null; lastUsedAt: number; status: string };

async function principal(req: IncomingMessage): Promise<Row | undefined> {
  const h = req.headers.authorization;
  if (!h?.startsWith("Bearer ")) return undefined;
  try {
    const payload = await verifyAccess(h.slice(7));
    const row = await get<Row>(service, q.session, payload.sid);
    const now = Date.now();
    if (!row || row.revokedAt !== null || row.expiresAt <= now || String(row.userId) !== payload.sub || row.status === "DISABLED") return undefined;
    if (now - row.lastUsedAt >= SESSION_TOUCH_INTERVAL_MS) await run(service, q.touch, now, payload.sid);
    return row;
  } catch {
    return undefined;
  }
}

async function openSession(db: Db, userId: number, ip: string | null, ua: string | null, now: number): Promise<string> {
  const sid = randomBytes(18).toString("base64url");
  await run(db, q.insertSession, sid, userId, now, now + SESSION_TTL_MS, now, now, ua, ip);
  await run(db, q.audit, now, userId, "login", ip, ua, JSON.stringify({ method: "code", sessionId: sid }));
  return sid;
}

const codeRequest = (phone: string, ip: string | null, ua: string | null) =>
  transaction(async (db) => {
    const now = Date.now();
    await get(db, q.hit, `code-ip:${ip}`, now);
    let user = await get<{ id: number }>(db, q.userByPhone, phone);
    if (!user) {
      // The budget of SMS to new numbers: the requester's share, then everybody's.
      await get(db, q.hit, `new-numbers:${ip}`, now);
      await get(db, q.hit, "new-numbers:", now);
      const [customer, account] = accountNumbers();
      user = (await get<{ id: number }>(db, q.insertUser, null, phone, null, null, "customer", customer, account, null, now, now))!;
      await run(db, q.insertCredentials, user.id, null, null);
      await run(db, q.audit, now, user.id, "signup", ip, ua, JSON.stringify({ method: "phone_code" }));
    }
    // The destination's ceiling from everybody, and the requester's wrong tries on it.
    await get(db, q.hit, `dest-h:${phone}`, now);
    await get(db, q.peek, `code-fail:${phone}:${ip}`);
    const previous = await get<{ consumed_at: number | null; last_sent_at: number }>(db, q.latest, "login", phone);
    if (previous && previous.consumed_at === null && previous.last_sent_at + 60_000 > now) return { wait: true as const };
    await get(db, q.hit, `code-send-h:${phone}`, now);
    await get(db, q.hit, `code-send-d:${phone}`, now);
    await get(db, q.hit, `dest-d:${phone}`, now);
    await run(db, q.supersede, now, "login", phone);
    const id = randomUUID();
    const code = digits(6);
    await run(db, q.insertChallenge, id, user.id, "login", "sms", phone, codeHash(id, "login", phone, user.id, code), now + CODE_TTL_MS, now, null, now);
    await run(db, q.outbox, "sms", phone, "login", null, `Your code is ${code}. It expires in 5 minutes.`, code, id, now, now);
    await run(db, q.audit, now, user.id, "code_sent", ip, ua, JSON.stringify({ purpose: "login", channel: "sms" }));
    return { wait: false as const, userId: user.id, expiresAt: now + CODE_TTL_MS };
  });

type ChallengeRow = {
  id: string;
  user_id: number | null;
  purpose: string;
  destination: string;
  code_hash: string;
  expires_at: number;
  consumed_at: number | null;
  superseded_at: number | null;
  payload: { email: string; username: string; fullName: string; passwordHash: string } | null;
};

const codeLogin = (userId: number, phone: string, code: string, ip: string | null, ua: string | null) =>
  transaction(async (db) => {
    const now = Date.now();
    await get(db, q.hit, `login-ip:${ip}`, now);
    const c = await get<ChallengeRow>(db, q.latest, "login", phone);
    if (!c || c.user_id !== userId || c.consumed_at !== null || c.superseded_at !== null || c.expires_at <= now) return undefined;
    if (!safeEqual(codeHash(c.id, c.purpose, c.destination, c.user_id, code), c.code_hash)) return undefined;
    if ((await run(db, q.consume, now, c.id)) !== 1) return undefined;
    await run(db, q.audit, now, userId, "code_verified", ip, ua, JSON.stringify({ purpose: "login" }));
    const user = (await get<{ id: number; role: string; phoneVerifiedAt: number | null }>(db, q.userById, userId))!;
    if (user.phoneVerifiedAt === null) await run(db, q.verifyPhone, now, now, userId);
    return { user, sid: await openSession(db, userId, ip, ua, now) };
  });

const registrationVerify = (id: string, code: string, ip: string | null, ua: string | null) =>
  transaction(async (db) => {
    const now = Date.now();
    const c = await get<ChallengeRow>(db, q.challenge, id);
    if (!c || c.purpose !== "signup" || c.consumed_at !== null || c.superseded_at !== null || c.expires_at <= now || !c.payload) return undefined;
    if (!safeEqual(codeHash(c.id, c.purpose, c.destination, c.user_id, code), c.code_hash)) return undefined;
    if ((await run(db, q.consume, now, c.id)) !== 1) return undefined;
    const p = c.payload;
    const [customer, account] = accountNumbers();
    const user = (await get<{ id: number }>(db, q.insertUser, p.email, null, p.username, p.fullName, "user", customer, account, now, now, now))!;
    await run(db, q.insertCredentials, user.id, p.passwordHash, now);
    await run(db, q.clearPayload, c.id);
    await run(db, q.audit, now, user.id, "signup", ip, ua, JSON.stringify({ method: "email_code" }));
    return { userId: user.id, sid: await openSession(db, user.id, ip, ua, now) };
  });

const pendingFixture = (count: number, passwordHash: string) =>
  transaction(async (db) => {
    const now = Date.now();
    const out: { verificationId: string; code: string }[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const email = `pending-${id}@bench.test`;
      const code = digits(6);
      const payload = JSON.stringify({ email, username: `p${id.slice(0, 8)}${i}`, fullName: "Bench Pending", passwordHash });
      await run(db, q.insertChallenge, id, null, "signup", "email", email, codeHash(id, "signup", email, null, code), now + CODE_TTL_MS, now, payload, now);
      out.push({ verificationId: id, code });
    }
    return out;
  });

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? "/";
  const [ip, ua] = meta(req);
  if (req.method === "GET" && url === "/me") {
    const p = await principal(req);
    if (!p) return send(res, 401, { error: "unauthorized" });
    const { userId: _u, expiresAt: _e, revokedAt: _r, lastUsedAt: _l, ...user } = p;
    return send(res, 200, { result: { data: user } });
  }
  if (req.method === "GET" && url.startsWith("/3p/token")) {
    const p = await principal(req);
    if (!p) return send(res, 401, { error: "unauthorized" });
    const wanted = new URL(url, "http://x").searchParams.get("userId");
    if (wanted !== String(p.userId)) return send(res, 401, { error: "unauthorized" });
    return send(res, 200, { value: await firebaseToken(wanted) });
  }
  if (req.method === "POST" && url === "/code") {
    const body = await readJson(req);
    const phone = parsePhoneNumberFromString(String(body.mobile_number ?? ""), "ID");
    if (!phone?.isPossible()) return send(res, 400, { error: "invalid number" });
    const r = await codeRequest(phone.number, ip, ua);
    if (r.wait) return send(res, 429, { error: "wait" });
    return send(res, 201, { code: 201, success: true, payload: { message: "ok", data: [{ id: String(r.userId), mobile: body.mobile_number, expired: r.expiresAt }] } });
  }
  if (req.method === "PUT" && url.startsWith("/code/")) {
    const body = await readJson(req);
    const phone = parsePhoneNumberFromString(String(body.mobile_number ?? ""), "ID");
    const code = String(body.otp_code ?? "");
    if (!phone?.isPossible() || !/^\d{6}$/.test(code)) return send(res, 400, { error: "invalid" });
    const r = await codeLogin(Number(url.slice(6)), phone.number, code, ip, ua);
    if (!r) return send(res, 400, { error: "invalid code" });
    const token = await signAccess(r.user.id, r.sid, r.user.role);
    return send(res, 200, { code: 200, success: true, payload: { message: "ok", data: [{ id: String(r.user.id), access_token: token }] } });
  }
  if (req.method === "POST" && url === "/verify") {
    const body = await readJson(req);
    const r = await registrationVerify(String(body.verificationId ?? ""), String(body.code ?? ""), ip, ua);
    if (!r) return send(res, 400, { message: "Invalid or expired code" });
    const token = await signAccess(r.userId, r.sid, "user");
    return send(res, 200, { message: "Successfuly registered", user: { id: r.userId }, token });
  }
  if (req.method === "POST" && url === "/fixture/pending") {
    const body = await readJson(req);
    return send(res, 200, await pendingFixture(Number(body.count), String(body.passwordHash)));
  }
  send(res, 404, { error: "not found" });
}

listen(route);
