/**
 * Small helpers shared by the core tests. Test-only: nothing in src imports this file.
 */
import type { OutboxMessage, User } from "@authsvc/store";
import { afterEach, beforeEach, vi } from "vitest";
import { AuthError } from "./errors";
import type { TokenRequest } from "./flows/sign-in";
import type { createTestAuth } from "./testing";

export type TestAuth = ReturnType<typeof createTestAuth>;
export type Auth = TestAuth["auth"];

/** A password that passes the policy (long enough, not on the common list). */
export const PASSWORD = "correct horse battery staple";

/**
 * The AuthError that a promise (or a function, sync or async) ends with. Fails when it
 * succeeds or throws something that is not an AuthError.
 */
export async function authError(run: Promise<unknown> | (() => unknown)): Promise<AuthError> {
  try {
    await (typeof run === "function" ? run() : run);
  } catch (e) {
    if (e instanceof AuthError) return e;
    throw e;
  }
  throw new Error("expected an AuthError, but the call succeeded");
}

/** Same as authError, for a synchronous call (the normalizers and policies). */
export function authErrorSync(run: () => unknown): AuthError {
  try {
    run();
  } catch (e) {
    if (e instanceof AuthError) return e;
    throw e;
  }
  throw new Error("expected an AuthError, but the call succeeded");
}

/** The code of the newest outbox message to `to` (phone in any form, email in any case). */
export async function lastCode(auth: Auth, to: string): Promise<string> {
  const code = (await auth.listOutbox(to))[0]?.code;
  if (!code) throw new Error(`no code in the outbox for ${to}`);
  return code;
}

/** Signs a new person up through the pending registration and its emailed code. */
export async function signUp(
  auth: Auth,
  input: { email: string; password?: string; username?: string; phone?: string },
  t: TokenRequest = { type: "jwt" },
) {
  const pending = await auth.startRegistration({ ...input, password: input.password ?? PASSWORD });
  return auth.completeRegistration({ verificationId: pending.verificationId, code: (await lastCode(auth, input.email)) }, t);
}

/** Finds or creates the phone's user and signs in with the SMS code. */
export async function phoneSignIn(auth: Auth, phone: string, t: TokenRequest = { type: "jwt" }) {
  await auth.requestPhoneCode({ phone, createIfMissing: true });
  return auth.loginWithPhoneCode({ phone, code: (await lastCode(auth, phone)) }, t);
}

/** Moves the faked Date (fakeClock) of the running test. */
const clock = {
  advanceSec: (sec: number) => vi.advanceTimersByTime(sec * 1000),
};
export type FakeClock = typeof clock;

/** Fakes only Date (argon2 runs on the thread pool, real timers must keep working). */
export function fakeClock(start = "2030-01-01T00:00:00.000Z"): FakeClock {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(start));
  return clock;
}

/**
 * Every test of the file runs on a fake Date set to `start` (fakeClock), and gets the real
 * timers back after it. Call at the top of the file; the handle moves the running test's Date.
 */
export function fakeClockEachTest(start?: string): FakeClock {
  beforeEach(() => {
    fakeClock(start);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return clock;
}

/**
 * What a test set up and must undo (close a store, a receiver, remove a folder): push it
 * here, and after each test it runs, newest first. Call at the top of the file.
 */
export function cleanupsEachTest(): (() => unknown)[] {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}

type WithSql = Pick<TestAuth, "sql">;

/** Every row of a table as stored (snake_case columns), in the order of `orderBy`. */
export function tableRows(t: WithSql, table: string, orderBy = "1"): Promise<Record<string, unknown>[]> {
  return t.sql.all(`SELECT * FROM ${table} ORDER BY ${orderBy}`);
}

/** How many rows a table holds. */
export async function rowCount(t: WithSql, table: string): Promise<number> {
  return Number((await t.sql.get(`SELECT count(*) AS n FROM ${table}`))!.n);
}

/** Every user, as the store reads them, oldest first. */
export async function allUsers(t: WithSql & Pick<TestAuth, "store">): Promise<User[]> {
  const ids = await t.sql.all("SELECT id FROM users ORDER BY id");
  return Promise.all(ids.map(async (r) => (await t.store.users.byId(Number(r.id)))!));
}

/** Every outbox message, as the store reads them, oldest first. */
export async function outboxRows(t: Pick<TestAuth, "store">): Promise<OutboxMessage[]> {
  return (await t.store.outbox.list(undefined, 10_000)).reverse();
}

/** Audit rows of one kind. */
export function auditOf(t: WithSql, kind: string): Promise<Record<string, unknown>[]> {
  return t.sql.all("SELECT * FROM audit_events WHERE kind = ? ORDER BY id", kind);
}

/** Tallies the settled results of concurrent calls: "ok" or the AuthError code. */
export function tally(results: PromiseSettledResult<unknown>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.status === "fulfilled" ? "ok" : r.reason instanceof AuthError ? r.reason.code : String(r.reason);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
