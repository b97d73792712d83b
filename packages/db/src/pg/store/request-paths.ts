import { randomUUID } from "node:crypto";
import type { Challenge, NewChallenge, NewSession, Store, User } from "@authsvc/store";
import { newUser } from "./fixtures";

/**
 * Test-only: the store calls of core's hottest requests, in core's order (traced from its
 * flows on PostgreSQL). @authsvc/db cannot import core (core depends on it), so the tests
 * that count what these send to the server replay them here.
 */

const T = 1_700_000_000_000;
const minute = 60_000;

const audit = (store: Store, kind: string, userId: number | null) =>
  store.audit.insert({ at: T, userId, kind, outcome: "ok", ip: "203.0.113.9", userAgent: "t", detail: { method: "phone_code" } });

const code = (over: Partial<NewChallenge>): NewChallenge => ({
  id: randomUUID(),
  userId: null,
  purpose: "login",
  channel: "sms",
  destination: "+620000000000",
  codeHash: "h",
  expiresAt: T + 5 * minute,
  attemptsLeft: 5,
  sendCount: 1,
  lastSentAt: T,
  payload: null,
  requester: "ip:203.0.113.0/24",
  createdAt: T,
  ...over,
});

const session = (userId: number): NewSession => ({
  id: randomUUID(),
  userId,
  kind: "web",
  createdAt: T,
  expiresAt: T + 60 * minute,
  lastUsedAt: T,
  authenticatedAt: T,
  userAgent: "t",
  ip: "203.0.113.9",
});

/** A new number's first code (family 000, POST /authentication): the account, the code, its SMS and the worker's claim. */
export async function codeRequest(store: Store, phone: string): Promise<User> {
  const requester = "ip:203.0.113.0/24";
  await store.limits.hit(`code-send-ip:${requester}`, 1, 60 * minute, T);
  await store.users.byPhone(phone);
  await store.limits.hit(`sms-new-numbers:${requester}`, 1, 60 * minute, T);
  await store.limits.hit("sms-new-numbers:", 1, 60 * minute, T);
  const user = await store.transaction(async (tx) => {
    await tx.users.byPhone(phone);
    await tx.users.numberTaken("customerNumber", 123);
    await tx.users.numberTaken("accountNumber", "123");
    const created = await tx.users.create(newUser({ phone, email: null, role: "customer" }), null);
    await audit(tx, "signup", created.id);
    return created;
  });
  const challenge = await store.transaction(async (tx) => {
    await tx.limits.hit(`code-send:${phone}`, 1, minute, T);
    await tx.limits.peek(`code-cooldown:${phone}`);
    await tx.challenges.latestFrom("login", phone, requester);
    await tx.limits.peek(`code-cap:${phone}`);
    for (const bucket of ["a", "b", "c"]) await tx.limits.hit(`code-${bucket}:${phone}`, 1, 60 * minute, T);
    await tx.challenges.supersedeLive("login", phone, T, requester);
    const c = await tx.challenges.insert(code({ userId: user.id, destination: phone, requester }));
    await audit(tx, "code_sent", user.id);
    return c;
  });
  const message = { channel: "sms" as const, to: phone, purpose: "login", subject: null, text: "t", html: null, code: "1", challengeId: challenge.id, createdAt: T };
  const sent = await store.outbox.insertClaimed(message, T + minute);
  await store.outbox.markSent(sent.id, 1, T, false);
  await store.outbox.claimDue(T, T + minute, 10);
  return user;
}

/** The code comes back (family 000, PUT /authentication/{id}): the code spent, the phone proven, a session. */
export async function codeVerify(store: Store, user: User): Promise<void> {
  const phone = user.phone!;
  await store.limits.hit("login-ip:203.0.113.0/24", 1, 60 * minute, T);
  await store.transaction(async (tx) => {
    const [live] = await tx.challenges.live("login", phone);
    await tx.limits.peek(`code-fail:${phone}`);
    await tx.challenges.consume(live!.id, T);
    await tx.challenges.supersedeLive("login", phone, T);
    await tx.limits.reset(`code-fail:${phone}`);
    await audit(tx, "code_ok", user.id);
    await tx.users.byId(user.id);
    await tx.credentials.get(user.id);
    await tx.users.update(user.id, { status: "ACTIVE", phoneVerifiedAt: T, updatedAt: T });
    await audit(tx, "phone_verified", user.id);
    await tx.limits.resetPrefix(`login-fail:${user.id}:`);
    await tx.limits.resetPrefix(`pin-fail:${user.id}:`);
    await tx.credentials.liftPinLock(user.id);
    await tx.sessions.insert(session(user.id));
    await audit(tx, "login", user.id);
  });
}

/** A wrong code (family 000): one try spent. */
export async function wrongCode(store: Store, phone: string): Promise<void> {
  await store.transaction(async (tx) => {
    const [live] = await tx.challenges.live("login", phone);
    await tx.limits.peek(`code-fail:${phone}`);
    await tx.challenges.spendAttempt(live!.id);
    await tx.limits.hit(`code-fail:${phone}`, 1, minute, T);
    await audit(tx, "code_failed", null);
  });
}

/** A registration waiting for its emailed code (family 003, POST /register). */
export const pendingRegistration = (store: Store, email: string) =>
  store.challenges.insert(code({ purpose: "signup", channel: "email", destination: email, payload: { email } }));

/** The registration's code comes back (family 003, POST /verify): the account, its password, a session. */
export async function registrationVerify(store: Store, pending: Challenge): Promise<void> {
  const email = pending.destination;
  const username = `u${pending.id.slice(0, 8)}`;
  await store.transaction(async (tx) => {
    const c = (await tx.challenges.byId(pending.id))!;
    await tx.limits.peek(`code-fail:${c.id}`);
    await tx.challenges.consume(c.id, T);
    await tx.limits.reset(`code-fail:${c.id}`);
    await audit(tx, "code_ok", null);
    await tx.users.byEmail(email);
    await tx.users.byUsername(username);
    await tx.users.numberTaken("customerNumber", 123);
    await tx.users.numberTaken("accountNumber", "123");
    const user = await tx.users.create(newUser({ email, username, emailVerifiedAt: T }), { hash: "h", at: T });
    await tx.challenges.supersedeLive("signup", email, T);
    await tx.challenges.dropSignupPayloads(email);
    await audit(tx, "signup", user.id);
    await tx.sessions.insert(session(user.id));
    await audit(tx, "login", user.id);
  });
}

/** A token check (tRPC user.me): the session and its user, and the session's last use. */
export async function tokenCheck(store: Store, sessionId: string): Promise<void> {
  await store.sessions.byIdWithUser(sessionId);
  await store.sessions.touch(sessionId, T + 1);
}

export { session as newSession };

export interface CallCounts {
  calls: number;
  transactions: number;
}

/** `store`, counting its repositories' calls and its transactions, its transactions' included. */
export function counting(store: Store, counts: CallCounts): Store {
  return new Proxy(store, {
    get(target, property: keyof Store) {
      const value = target[property];
      if (property === "transaction") {
        return (fn: (tx: Store) => Promise<unknown>) => {
          counts.transactions++;
          return target.transaction((tx) => fn(counting(tx, counts)));
        };
      }
      if (typeof value !== "object" || value === null) return value;
      return new Proxy(value, {
        get: (repository, method: string) =>
          (...args: unknown[]) => {
            counts.calls++;
            return (repository as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);
          },
      });
    },
  });
}
