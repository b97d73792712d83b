/**
 * The baseline: a bare node:http server doing by hand the work the service does on the
 * measured routes, with the same libraries a careful hand-written service would use (jose,
 * better-sqlite3 with prepared statements, @node-rs/argon2 not needed: hashing is measured
 * on its own). No framework, no router, no logging, no validation library.
 *
 *   GET  /me                 jose HS256 verify + one session-and-user lookup -> the user
 *   GET  /3p/token?userId=   the same check, then a Firebase-style RS256 custom token (jose)
 *   POST /code               family 000's code request: limits (the address, the new-number
 *                            budget, the destination's ceilings and the requester's caps and
 *                            wrong tries), find-or-create the user by phone, supersede the old
 *                            code, store the new one's HMAC, outbox row, audit rows; one
 *                            transaction
 *   PUT  /code/:id           family 000's code login: limits, latest code, constant-time
 *                            compare, consume, open a session, audit; then sign a JWT (jose)
 *   POST /verify             family 003's verify: the pending registration's code, then the
 *                            user, credentials and a session; one transaction; sign a JWT
 *   POST /passkey/options    a passkey sign-in's options (@simplewebauthn/server), its challenge stored
 *   POST /passkey            the passkey sign-in: the address's login count and the challenge
 *                            consumed (one commit), the credential's row, the
 *                            library's verification, the new counter, a session and an audit row;
 *                            then sign a JWT (jose). Passkeys are read from (and sessions written
 *                            to) the service's database, where the bench registered them
 *   POST /totp               a TOTP second step: the ticket (written to the service's database by
 *                            a first step on the service) checked for this client and one of
 *                            its tries spent (its own commit, so that a wrong code costs it),
 *                            the account's confirmed apps, each secret unsealed and the code
 *                            checked with otpauth; the step's compare-and-set, the ticket
 *                            consumed, a session and an audit row in one commit; then a JWT
 *                            (jose) and a new device token
 *   POST /fixture/pending    bench setup only: N pending registrations, answered with codes
 *
 * Token checks read the service's own database (its sessions and users); code routes write a
 * scratch database of the same schema. Environment: PORT, SERVICE_DB, SCRATCH_DB, AUTH_SECRET.
 * baseline-pg.ts is the same server on PostgreSQL.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import Database from "better-sqlite3";
import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON } from "@simplewebauthn/server";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { SESSION_TOUCH_INTERVAL_MS } from "@authsvc/core/vocabulary";
import { createSqliteDatabase } from "@authsvc/db";
import { deviceToken, knownDevice, openSecret, ticketHash, totpStep } from "./baseline-second-factor";
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

// Same pragmas as the service (the shared client factory), migrations only on the scratch file.
const service: Database.Database = createSqliteDatabase(`file:${env("SERVICE_DB")}`, { migrate: false }).$client;
const scratch: Database.Database = createSqliteDatabase(`file:${env("SCRATCH_DB")}`).$client;

const q = {
  session: service.prepare(`SELECT ${SESSION_AND_USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`),
  touch: service.prepare(`UPDATE sessions SET last_used_at = ? WHERE id = ?`),
  hit: scratch.prepare(
    `INSERT INTO rate_limits (key, count, window_start) VALUES (?, 1, ?)
     ON CONFLICT(key) DO UPDATE SET count = count + 1 RETURNING count`,
  ),
  peek: scratch.prepare(`SELECT count FROM rate_limits WHERE key = ?`),
  userByPhone: scratch.prepare(`SELECT id, phone_verified_at AS phoneVerifiedAt, status FROM users WHERE phone = ?`),
  userById: scratch.prepare(`SELECT id, phone, role, status, phone_verified_at AS phoneVerifiedAt FROM users WHERE id = ?`),
  insertUser: scratch.prepare(
    `INSERT INTO users (email, phone, username, full_name, role, status, customer_number, account_number, email_verified_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?) RETURNING id`,
  ),
  insertCredentials: scratch.prepare(`INSERT INTO credentials (user_id, password_hash, password_changed_at) VALUES (?, ?, ?)`),
  latest: scratch.prepare(
    `SELECT * FROM challenges WHERE purpose = ? AND destination = ? ORDER BY created_at DESC, last_sent_at DESC LIMIT 1`,
  ),
  challenge: scratch.prepare(`SELECT * FROM challenges WHERE id = ?`),
  supersede: scratch.prepare(
    `UPDATE challenges SET superseded_at = ? WHERE purpose = ? AND destination = ? AND consumed_at IS NULL AND superseded_at IS NULL`,
  ),
  insertChallenge: scratch.prepare(
    `INSERT INTO challenges (id, user_id, purpose, channel, destination, code_hash, expires_at, attempts_left, send_count, last_sent_at, payload, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 5, 1, ?, ?, ?)`,
  ),
  consume: scratch.prepare(`UPDATE challenges SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL AND superseded_at IS NULL`),
  clearPayload: scratch.prepare(`UPDATE challenges SET payload = NULL WHERE id = ?`),
  verifyPhone: scratch.prepare(`UPDATE users SET phone_verified_at = ?, updated_at = ? WHERE id = ?`),
  outbox: scratch.prepare(
    `INSERT INTO outbox (channel, "to", purpose, subject, text, code, status, attempts, challenge_id, created_at, sent_at)
     VALUES (?, ?, ?, ?, ?, ?, 'sent', 1, ?, ?, ?)`,
  ),
  audit: scratch.prepare(`INSERT INTO audit_events (at, user_id, kind, outcome, ip, user_agent, detail) VALUES (?, ?, ?, 'ok', ?, ?, ?)`),
  insertSession: scratch.prepare(
    `INSERT INTO sessions (id, user_id, kind, created_at, expires_at, last_used_at, authenticated_at, user_agent, ip) VALUES (?, ?, 'api', ?, ?, ?, ?, ?, ?)`,
  ),
};

// Passkeys: the service's relying party (no PUBLIC_URL: localhost on the service's port).
const RP_ID = "localhost";
const RP_ORIGIN = process.env.SERVICE_ORIGIN ?? "http://localhost";
const pk = {
  insertCeremony: scratch.prepare(
    `INSERT INTO challenges (id, user_id, purpose, channel, destination, code_hash, expires_at, attempts_left, send_count, last_sent_at, payload, created_at)
     VALUES (?, NULL, 'webauthn', 'none', 'webauthn:authenticate', ?, ?, 1, 0, ?, NULL, ?)`,
  ),
  takeCeremony: scratch.prepare(`UPDATE challenges SET consumed_at = ? WHERE id = ? AND purpose = 'webauthn' AND consumed_at IS NULL AND expires_at > ? RETURNING code_hash`).pluck(),
  credential: service.prepare(`SELECT id, user_id, public_key, sign_count, transports FROM second_factors WHERE credential_id = ? AND kind = 'passkey' AND confirmed_at IS NOT NULL`),
  use: service.prepare(`UPDATE second_factors SET sign_count = ?, backed_up = ?, last_used_at = ? WHERE id = ?`),
};

// TOTP second steps, on the service's database: its tickets, factors and limits.
const tf = {
  ticket: service.prepare(
    `SELECT id, user_id, purpose, code_hash, expires_at, attempts_left, consumed_at, superseded_at, payload FROM challenges WHERE id = ?`,
  ),
  failures: service.prepare(`SELECT count FROM rate_limits WHERE key = ?`).pluck(),
  spendTry: service.prepare(`UPDATE challenges SET attempts_left = attempts_left - 1 WHERE id = ? AND attempts_left > 0 RETURNING attempts_left`).pluck(),
  apps: service.prepare(`SELECT id, secret FROM second_factors WHERE user_id = ? AND kind = 'totp' AND confirmed_at IS NOT NULL`),
  useStep: service.prepare(`UPDATE second_factors SET last_step = ?, last_used_at = ? WHERE id = ? AND kind = 'totp' AND (last_step IS NULL OR last_step < ?)`),
  consume: service.prepare(`UPDATE challenges SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL AND superseded_at IS NULL`),
};

// Sign-ins on the service's database (a passkey, a TOTP second step): the user, its session, the audit row.
const signIn = {
  user: service.prepare(`SELECT id, role, status FROM users WHERE id = ?`),
  session: service.prepare(
    `INSERT INTO sessions (id, user_id, kind, created_at, expires_at, last_used_at, authenticated_at, user_agent, ip) VALUES (?, ?, 'api', ?, ?, ?, ?, ?, ?)`,
  ),
  audit: service.prepare(`INSERT INTO audit_events (at, user_id, kind, outcome, ip, user_agent, detail) VALUES (?, ?, 'login', 'ok', ?, ?, ?)`),
};

type SignInUser = { id: number; role: string; status: string };

/** Inside the caller's transaction: a session on the service's database and its audit row. */
function openServiceSession(userId: number, method: string, ip: string | null, ua: string | null, now: number): string {
  const sid = randomBytes(18).toString("base64url");
  signIn.session.run(sid, userId, now, now + SESSION_TTL_MS, now, now, ua, ip);
  signIn.audit.run(now, userId, ip, ua, JSON.stringify({ method, sessionId: sid }));
  return sid;
}

async function passkeyOptions() {
  const options = await generateAuthenticationOptions({ rpID: RP_ID, userVerification: "required" });
  const id = randomUUID();
  const now = Date.now();
  // The challenge itself is the stored value here: it is no secret, and single use is the row's.
  pk.insertCeremony.run(id, options.challenge, now + CODE_TTL_MS, now, now);
  return { ceremonyId: id, options };
}

// The client address's login count and the spent ceremony, in one commit, as the service does.
const takeCeremony = scratch.transaction((id: string, ip: string | null, now: number) => {
  q.hit.get(`login-ip:${ip}`, now);
  return pk.takeCeremony.get(now, id, now) as string | undefined;
});

async function passkeyLogin(ceremonyId: string, response: AuthenticationResponseJSON, ip: string | null, ua: string | null) {
  const challenge = takeCeremony(ceremonyId, ip, Date.now());
  if (!challenge) return undefined;
  const f = pk.credential.get(response.id) as { id: number; user_id: number; public_key: string; sign_count: number; transports: string | null } | undefined;
  if (!f) return undefined;
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: RP_ORIGIN,
    expectedRPID: RP_ID,
    credential: { id: response.id, publicKey: Buffer.from(f.public_key, "base64url"), counter: f.sign_count },
    requireUserVerification: true,
  }).catch(() => undefined);
  if (!result?.verified) return undefined;
  const user = signIn.user.get(f.user_id) as SignInUser | undefined;
  if (!user || user.status === "DISABLED") return undefined;
  const now = Date.now();
  const sid = service.transaction(() => {
    pk.use.run(result.authenticationInfo.newCounter, result.authenticationInfo.credentialBackedUp ? 1 : 0, now, f.id);
    return openServiceSession(user.id, "passkey", ip, ua, now);
  })();
  return { user, sid };
}

type TicketRow = {
  id: string;
  user_id: number | null;
  purpose: string;
  code_hash: string;
  expires_at: number;
  attempts_left: number;
  consumed_at: number | null;
  superseded_at: number | null;
  payload: string;
};
type TicketPayload = { method: string; delivery: { type: string; role?: string; profile?: string }; device: string | null };
type TicketTry = { id: string; userId: number; method: string };

/**
 * The live ticket `ticket` (`id.secret`) names, if it is this client's, with one of its tries
 * spent (committed at once, as the service does, so a wrong code costs it); else undefined.
 */
function ticketTry(ticket: string, device: string | undefined, ip: string | null): TicketTry | undefined {
  const dot = ticket.indexOf(".");
  const id = ticket.slice(0, Math.max(0, dot));
  const secret = ticket.slice(dot + 1);
  const c = dot > 0 && id.length <= 64 && secret ? (tf.ticket.get(id) as TicketRow | undefined) : undefined;
  if (!c || c.purpose !== "second_factor" || c.user_id === null || !safeEqual(ticketHash(c.id, secret), c.code_hash)) return undefined;
  if (c.consumed_at !== null || c.superseded_at !== null || c.expires_at <= Date.now() || c.attempts_left <= 0) return undefined;
  const p = JSON.parse(c.payload) as TicketPayload;
  // This route answers a JWT: a ticket whose first step asked for a cookie, a role or a profile is another client's.
  if (p.delivery.type !== "jwt" || p.delivery.role !== undefined || p.delivery.profile !== undefined) return undefined;
  const known = knownDevice(device, c.user_id);
  if (p.device !== null && known !== p.device) return undefined;
  // The requester's wrong second steps on this account, read as the service reads them.
  tf.failures.get(`2fa-fail:${c.user_id}:${known ? `device:${known}:` : `ip:${ip}:`}`);
  return tf.spendTry.get(c.id) === undefined ? undefined : { id: c.id, userId: c.user_id, method: p.method };
}

/** The code against the account's apps, its step spent, the ticket consumed, the session opened: one commit. */
const totpSecondStep = service.transaction((t: TicketTry, code: string, ip: string | null, ua: string | null) => {
  const now = Date.now();
  const apps = tf.apps.all(t.userId) as { id: number; secret: string }[];
  const spent = apps.some((f) => {
    const secret = openSecret(t.userId, f.secret);
    const step = secret === null ? null : totpStep(secret, code, now);
    return step !== null && tf.useStep.run(step, now, f.id, step).changes === 1;
  });
  if (!spent) return undefined;
  const user = signIn.user.get(t.userId) as SignInUser | undefined;
  if (!user || user.status === "DISABLED" || tf.consume.run(now, t.id).changes !== 1) return undefined;
  return { user, sid: openServiceSession(user.id, `${t.method}+totp`, ip, ua, now) };
});

type Row = Record<string, unknown> & { userId: number; expiresAt: number; revokedAt: number | null; lastUsedAt: number; status: string };

async function principal(req: IncomingMessage): Promise<Row | undefined> {
  const h = req.headers.authorization;
  if (!h?.startsWith("Bearer ")) return undefined;
  try {
    const payload = await verifyAccess(h.slice(7));
    const row = q.session.get(payload.sid) as Row | undefined;
    const now = Date.now();
    if (!row || row.revokedAt !== null || row.expiresAt <= now || String(row.userId) !== payload.sub || row.status === "DISABLED") return undefined;
    if (now - row.lastUsedAt >= SESSION_TOUCH_INTERVAL_MS) q.touch.run(now, payload.sid);
    return row;
  } catch {
    return undefined;
  }
}

function openSession(userId: number, ip: string | null, ua: string | null, now: number): string {
  const sid = randomBytes(18).toString("base64url");
  q.insertSession.run(sid, userId, now, now + SESSION_TTL_MS, now, now, ua, ip);
  q.audit.run(now, userId, "login", ip, ua, JSON.stringify({ method: "code", sessionId: sid }));
  return sid;
}

const codeRequest = scratch.transaction((phone: string, ip: string | null, ua: string | null) => {
  const now = Date.now();
  q.hit.get(`code-ip:${ip}`, now);
  let user = q.userByPhone.get(phone) as { id: number } | undefined;
  if (!user) {
    // The budget of SMS to new numbers: the requester's share, then everybody's.
    q.hit.get(`new-numbers:${ip}`, now);
    q.hit.get("new-numbers:", now);
    const [customer, account] = accountNumbers();
    user = q.insertUser.get(null, phone, null, null, "customer", customer, account, null, now, now) as { id: number };
    q.insertCredentials.run(user.id, null, null);
    q.audit.run(now, user.id, "signup", ip, ua, JSON.stringify({ method: "phone_code" }));
  }
  // The destination's ceiling from everybody, and the requester's wrong tries on it.
  q.hit.get(`dest-h:${phone}`, now);
  q.peek.get(`code-fail:${phone}:${ip}`);
  const previous = q.latest.get("login", phone) as { consumed_at: number | null; last_sent_at: number } | undefined;
  if (previous && previous.consumed_at === null && previous.last_sent_at + 60_000 > now) return { wait: true as const };
  q.hit.get(`code-send-h:${phone}`, now);
  q.hit.get(`code-send-d:${phone}`, now);
  q.hit.get(`dest-d:${phone}`, now);
  q.supersede.run(now, "login", phone);
  const id = randomUUID();
  const code = digits(6);
  q.insertChallenge.run(id, user.id, "login", "sms", phone, codeHash(id, "login", phone, user.id, code), now + CODE_TTL_MS, now, null, now);
  q.outbox.run("sms", phone, "login", null, `Your code is ${code}. It expires in 5 minutes.`, code, id, now, now);
  q.audit.run(now, user.id, "code_sent", ip, ua, JSON.stringify({ purpose: "login", channel: "sms" }));
  return { wait: false as const, userId: user.id, expiresAt: now + CODE_TTL_MS };
});

type ChallengeRow = { id: string; user_id: number | null; purpose: string; destination: string; code_hash: string; expires_at: number; consumed_at: number | null; superseded_at: number | null; payload: string | null };

const codeLogin = scratch.transaction((userId: number, phone: string, code: string, ip: string | null, ua: string | null) => {
  const now = Date.now();
  q.hit.get(`login-ip:${ip}`, now);
  const c = q.latest.get("login", phone) as ChallengeRow | undefined;
  if (!c || c.user_id !== userId || c.consumed_at !== null || c.superseded_at !== null || c.expires_at <= now) return undefined;
  if (!safeEqual(codeHash(c.id, c.purpose, c.destination, c.user_id, code), c.code_hash)) return undefined;
  if (q.consume.run(now, c.id).changes !== 1) return undefined;
  q.audit.run(now, userId, "code_verified", ip, ua, JSON.stringify({ purpose: "login" }));
  const user = q.userById.get(userId) as { id: number; role: string; phoneVerifiedAt: number | null };
  if (user.phoneVerifiedAt === null) q.verifyPhone.run(now, now, userId);
  return { user, sid: openSession(userId, ip, ua, now) };
});

const registrationVerify = scratch.transaction((id: string, code: string, ip: string | null, ua: string | null) => {
  const now = Date.now();
  const c = q.challenge.get(id) as ChallengeRow | undefined;
  if (!c || c.purpose !== "signup" || c.consumed_at !== null || c.superseded_at !== null || c.expires_at <= now || !c.payload) return undefined;
  if (!safeEqual(codeHash(c.id, c.purpose, c.destination, c.user_id, code), c.code_hash)) return undefined;
  if (q.consume.run(now, c.id).changes !== 1) return undefined;
  const p = JSON.parse(c.payload) as { email: string; username: string; fullName: string; passwordHash: string };
  const [customer, account] = accountNumbers();
  const user = q.insertUser.get(p.email, null, p.username, p.fullName, "user", customer, account, now, now, now) as { id: number };
  q.insertCredentials.run(user.id, p.passwordHash, now);
  q.clearPayload.run(c.id);
  q.audit.run(now, user.id, "signup", ip, ua, JSON.stringify({ method: "email_code" }));
  return { userId: user.id, sid: openSession(user.id, ip, ua, now) };
});

const pendingFixture = scratch.transaction((count: number, passwordHash: string) => {
  const now = Date.now();
  const out: { verificationId: string; code: string }[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const email = `pending-${id}@bench.test`;
    const code = digits(6);
    const payload = JSON.stringify({ email, username: `p${id.slice(0, 8)}${i}`, fullName: "Bench Pending", passwordHash });
    q.insertChallenge.run(id, null, "signup", "email", email, codeHash(id, "signup", email, null, code), now + CODE_TTL_MS, now, payload, now);
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
    const value = await firebaseToken(wanted);
    return send(res, 200, { value });
  }
  if (req.method === "POST" && url === "/code") {
    const body = await readJson(req);
    const phone = parsePhoneNumberFromString(String(body.mobile_number ?? ""), "ID");
    if (!phone?.isPossible()) return send(res, 400, { error: "invalid number" });
    const r = codeRequest(phone.number, ip, ua);
    if (r.wait) return send(res, 429, { error: "wait" });
    return send(res, 201, { code: 201, success: true, payload: { message: "ok", data: [{ id: String(r.userId), mobile: body.mobile_number, expired: r.expiresAt }] } });
  }
  if (req.method === "PUT" && url.startsWith("/code/")) {
    const body = await readJson(req);
    const phone = parsePhoneNumberFromString(String(body.mobile_number ?? ""), "ID");
    const code = String(body.otp_code ?? "");
    if (!phone?.isPossible() || !/^\d{6}$/.test(code)) return send(res, 400, { error: "invalid" });
    const r = codeLogin(Number(url.slice(6)), phone.number, code, ip, ua);
    if (!r) return send(res, 400, { error: "invalid code" });
    const token = await signAccess(r.user.id, r.sid, r.user.role);
    return send(res, 200, { code: 200, success: true, payload: { message: "ok", data: [{ id: String(r.user.id), access_token: token }] } });
  }
  if (req.method === "POST" && url === "/verify") {
    const body = await readJson(req);
    const r = registrationVerify(String(body.verificationId ?? ""), String(body.code ?? ""), ip, ua);
    if (!r) return send(res, 400, { message: "Invalid or expired code" });
    const token = await signAccess(r.userId, r.sid, "user");
    return send(res, 200, { message: "Successfuly registered", user: { id: r.userId }, token });
  }
  if (req.method === "POST" && url === "/passkey/options") return send(res, 200, await passkeyOptions());
  if (req.method === "POST" && url === "/passkey") {
    const body = await readJson(req);
    const r = await passkeyLogin(String(body.ceremonyId ?? ""), body.response as AuthenticationResponseJSON, ip, ua);
    if (!r) return send(res, 401, { error: "passkey refused" });
    const token = await signAccess(r.user.id, r.sid, r.user.role);
    return send(res, 200, { result: { data: { accessToken: token } } });
  }
  if (req.method === "POST" && url === "/totp") {
    const body = await readJson(req);
    const code = String(body.totp ?? "");
    if (!/^\d{6}$/.test(code)) return send(res, 400, { error: "invalid" });
    const device = req.headers["x-device-token"];
    const t = ticketTry(String(body.ticket ?? ""), typeof device === "string" ? device : undefined, ip);
    const r = t && totpSecondStep(t, code, ip, ua);
    if (!r) return send(res, 401, { error: "second step refused" });
    const token = await signAccess(r.user.id, r.sid, r.user.role);
    return send(res, 200, { result: { data: { accessToken: token, deviceToken: deviceToken(r.user.id) } } });
  }
  if (req.method === "POST" && url === "/fixture/pending") {
    const body = await readJson(req);
    return send(res, 200, pendingFixture(Number(body.count), String(body.passwordHash)));
  }
  send(res, 404, { error: "not found" });
}

listen(route);
