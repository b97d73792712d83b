import { randomUUID } from "node:crypto";
import { pgTestServerUrl } from "@authsvc/pg-test-server";
import { UniqueConflict, type NewChallenge, type Store } from "@authsvc/store";
import { describe, expect, it } from "vitest";
import { outbox } from "../schema";
import { pgErrorOf } from "./errors";
import { newUser, usePgStores, type SentStatement } from "./fixtures";
import { codeRequest, codeVerify, counting, newSession, pendingRegistration, registrationVerify, tokenCheck, wrongCode, type CallCounts } from "./request-paths";

const T = 1_700_000_000_000;

/** Resolves for everyone once `n` have arrived: transactions that have all read before any writes. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    if (++arrived === n) release();
    return all;
  };
}

const challenge = (over: Partial<NewChallenge> = {}): NewChallenge => ({
  id: randomUUID(),
  userId: null,
  purpose: "login",
  channel: "email",
  destination: `d-${randomUUID()}@example.com`,
  codeHash: "h",
  expiresAt: T + 600_000,
  attemptsLeft: 50,
  sendCount: 1,
  lastSentAt: T,
  payload: null,
  requester: null,
  createdAt: T,
  ...over,
});

describe.skipIf(!pgTestServerUrl())("the PostgreSQL store", () => {
  const stores = usePgStores();

  it("is ready on a migrated database", async () => {
    expect(await stores.store.ready()).toBe(true);
  });

  it("reads times and ids back as numbers, and a payload as the object it was given", async () => {
    const user = await stores.store.users.create(newUser({ customerNumber: 987_654_321_012 }), { hash: "ph", at: T });
    expect(user.createdAt).toBe(T);
    expect(user.customerNumber).toBe(987_654_321_012);
    expect(await stores.store.credentials.get(user.id)).toMatchObject({ passwordHash: "ph", passwordChangedAt: T, pinFailures: 0 });
    const c = await stores.store.challenges.insert(challenge({ payload: { passwordHash: "x", n: 1 } }));
    expect(await stores.store.challenges.byId(c.id)).toEqual({ ...c, payload: { passwordHash: "x", n: 1 }, consumedAt: null, supersededAt: null });
  });

  it("clears buckets by a key range the primary key's index serves: the key collates in code point order", async () => {
    const { rows } = await stores.db.$client.query<{ collation: string }>(
      "SELECT collation_name AS collation FROM information_schema.columns WHERE table_name = 'rate_limits' AND column_name = 'key'",
    );
    expect(rows[0]?.collation).toBe("C");
    const client = await stores.db.$client.connect();
    try {
      // Without sequential scans the planner takes an index whenever one serves the query.
      await client.query("SET enable_seqscan = off");
      const plan = async (query: string) => (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${query}`)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(await plan("DELETE FROM rate_limits WHERE key >= 'a:' AND key < 'a;'")).toMatch(/Index (Only )?Scan (using|on) rate_limits_pkey/);
      expect(await plan("SELECT key FROM rate_limits WHERE window_start <= 5 LIMIT 10")).toMatch(/rate_limits_window_start/);
    } finally {
      client.release();
    }
  });

  it("clears buckets by a literal prefix, % and _ included", async () => {
    const { limits } = stores.store;
    await limits.hit("p:a%b_1", 1, 60_000, T);
    await limits.hit("p:a%b_2", 1, 60_000, T);
    await limits.hit("p:axbx3", 1, 60_000, T);
    await limits.resetPrefix("p:a%b_");
    expect(await limits.peek("p:a%b_1")).toBeUndefined();
    expect(await limits.peek("p:a%b_2")).toBeUndefined();
    expect(await limits.peek("p:axbx3")).toEqual({ count: 1, windowStart: T });
  });

  it("counts 50 concurrent wrong attempts exactly, and never below zero", async () => {
    const c = await stores.store.challenges.insert(challenge({ attemptsLeft: 40 }));
    const left = await Promise.all(Array.from({ length: 50 }, () => stores.store.challenges.spendAttempt(c.id)));
    expect(left.filter((l) => l === undefined)).toHaveLength(10);
    expect(left.filter((l) => l !== undefined).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect((await stores.store.challenges.byId(c.id))!.attemptsLeft).toBe(0);
  });

  it("names each unique field, case-insensitively for the username, and lets a transaction go on after one", async () => {
    const taken = await stores.store.users.create(newUser({ username: "Ana", phone: "+15550001" }), null);
    const conflict = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e as UniqueConflict).field);
    expect(await conflict(stores.store.users.create(newUser({ username: "ana" }), null))).toBe("username");
    expect(await conflict(stores.store.users.create(newUser({ phone: "+15550001" }), null))).toBe("phone");
    expect(await conflict(stores.store.users.create(newUser({ customerNumber: taken.customerNumber }), null))).toBe("customerNumber");
    expect(await conflict(stores.store.users.create(newUser({ accountNumber: taken.accountNumber }), null))).toBe("accountNumber");
    const other = await stores.store.users.create(newUser(), null);
    expect(await conflict(stores.store.users.update(other.id, { username: "ANA" }))).toBe("username");
    expect((await stores.store.users.byId(other.id))!.username).toBeNull();

    const created = await stores.store.transaction(async (tx) => {
      const field = await conflict(tx.users.create(newUser({ email: taken.email }), null));
      expect(field).toBe("email");
      expect(await conflict(tx.users.update(other.id, { phone: taken.phone, bio: "not kept" }))).toBe("phone");
      await tx.users.update(other.id, { bio: "kept" });
      return tx.users.create(newUser(), null);
    });
    expect(await stores.store.users.byId(created.id)).toEqual(created);
    expect(await stores.store.credentials.get(created.id)).toMatchObject({ passwordHash: null });
    expect(await stores.store.users.byId(other.id)).toMatchObject({ phone: null, bio: "kept" });
  });

  it("rolls a transaction back when its body throws, savepoints included", async () => {
    const before = await stores.store.users.create(newUser(), null);
    await expect(
      stores.store.transaction(async (tx) => {
        await tx.users.update(before.id, { fullName: "kept?", updatedAt: T + 1 });
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect((await stores.store.users.byId(before.id))!.fullName).toBeNull();

    await stores.store.transaction(async (tx) => {
      await tx.users.update(before.id, { fullName: "outer", updatedAt: T + 1 });
      await tx.transaction(async (inner) => {
        await inner.users.update(before.id, { fullName: "inner", updatedAt: T + 2 });
        throw new Error("inner");
      }).catch(() => undefined);
    });
    expect(await stores.store.users.byId(before.id)).toMatchObject({ fullName: "outer", updatedAt: T + 1 });
  });

  it("claims a message queued by an older version once a lease has passed since it was written", async () => {
    const to = `queued-${randomUUID()}@example.com`;
    const [queued] = await stores.db
      .insert(outbox)
      .values({ channel: "sms", to, purpose: "login", subject: null, text: "t", html: null, code: "1", challengeId: null, createdAt: T })
      .returning();
    expect(queued!.status).toBe("queued");
    const mine = (rows: { id: number }[]) => rows.filter((r) => r.id === queued!.id);
    expect(mine(await stores.store.outbox.claimDue(T + 29_999, T + 59_999, 100))).toEqual([]);
    expect(mine(await stores.store.outbox.claimDue(T + 30_000, T + 60_000, 100))).toEqual([
      { ...queued, status: "sending", nextAttemptAt: T + 60_000 },
    ]);
  });

  it("runs a body again when PostgreSQL ends it to break a deadlock", async () => {
    const other = await stores.open();
    const [u1, u2] = [await stores.store.users.create(newUser(), null), await stores.store.users.create(newUser(), null)];
    const bothLocked = barrier(2);
    let runs = 0;
    // Each locks one user by reading it, then reads the other's: one of them must give way.
    const crossed = (s: Store, first: number, second: number) => {
      let firstRun = true;
      return s.transaction(async (tx) => {
        runs++;
        await tx.users.byId(first);
        if (firstRun) {
          firstRun = false;
          await bothLocked();
        }
        await tx.users.byId(second);
        await tx.users.update(second, { bio: `after ${first}` });
      });
    };
    await Promise.all([crossed(stores.store, u1.id, u2.id), crossed(other, u2.id, u1.id)]);
    expect(runs).toBe(3);
    expect((await stores.store.users.byId(u1.id))!.bio).toBe(`after ${u2.id}`);
    expect((await stores.store.users.byId(u2.id))!.bio).toBe(`after ${u1.id}`);
  });

  describe("a write whose answer the body does not wait for (it goes with the next statement)", () => {
    const token = (userId: number) => ({ tokenHash: randomUUID(), kind: "bearer" as const, userId, sessionId: null, createdAt: T, expiresAt: T + 1 });
    const noSuchUser = 2_000_000_000;
    /** A store on one connection that has parsed the token insert: only a parsed statement goes ahead of another. */
    async function warmed() {
      const store = await stores.open();
      const user = await store.users.create(newUser(), null);
      await store.transaction((tx) => tx.tokens.insert(token(user.id)));
      return store;
    }

    it("fails the transaction with its own error, at the next statement, and nothing of the transaction stays", async () => {
      const store = await warmed();
      const key = `ahead-${randomUUID()}`;
      let after = false;
      const err = await store
        .transaction(async (tx) => {
          await tx.limits.hit(key, 1, 60_000, T);
          await tx.tokens.insert(token(noSuchUser));
          after = true;
          await tx.limits.peek(key);
        })
        .catch((e: unknown) => e);
      expect(after).toBe(true);
      expect(pgErrorOf(err)?.code).toBe("23503");
      expect(await store.limits.peek(key)).toBeUndefined();
    });

    it("fails the transaction with its own error when it goes with COMMIT, or when the body swallows the failure it caused", async () => {
      const store = await warmed();
      const key = `ahead-${randomUUID()}`;
      const last = await store
        .transaction(async (tx) => {
          await tx.limits.hit(key, 1, 60_000, T);
          await tx.tokens.insert(token(noSuchUser));
        })
        .catch((e: unknown) => e);
      expect(pgErrorOf(last)?.code).toBe("23503");
      const swallowed = await store
        .transaction(async (tx) => {
          await tx.limits.hit(key, 1, 60_000, T);
          await tx.tokens.insert(token(noSuchUser));
          await tx.limits.peek(key).catch(() => undefined);
          return "done";
        })
        .catch((e: unknown) => e);
      expect(pgErrorOf(swallowed)?.code).toBe("23503");
      expect(await store.limits.peek(key)).toBeUndefined();
    });

    it("is sent before a query Drizzle builds in the same transaction", async () => {
      const store = await warmed();
      const kind = `ahead-${randomUUID()}`;
      await store.transaction(async (tx) => {
        await tx.limits.hit(kind, 1, 60_000, T);
        await tx.audit.insert({ at: T, userId: null, kind, outcome: "ok", ip: null, userAgent: null, detail: null });
        await tx.audit.insert({ at: T, userId: null, kind, outcome: "ok", ip: null, userAgent: null, detail: null });
        expect(await tx.audit.list({ kind, limit: 10 })).toHaveLength(2);
      });
    });
  });

  // What SERIALIZABLE adds: a body that acts on the absence of a row (no row to lock).
  const writeOnce = (s: Store, kind: string, allRead: () => Promise<void>, runs: { n: number }) => {
    let first = true;
    return s.transaction(async (tx) => {
      runs.n++;
      const seen = await tx.audit.list({ kind, limit: 1 });
      if (first) await allRead();
      first = false;
      if (seen.length === 0) await tx.audit.insert({ at: T, userId: null, kind, outcome: "ok", ip: null, userAgent: null, detail: null });
    });
  };

  it("at SERIALIZABLE, runs a body again after a serialisation failure, so it sees what the other committed", async () => {
    const [a, b] = [await stores.open({ isolation: "serializable" }), await stores.open({ isolation: "serializable" })];
    const kind = `once-${randomUUID()}`;
    const runs = { n: 0 };
    const allRead = barrier(2);
    await Promise.all([writeOnce(a, kind, allRead, runs), writeOnce(b, kind, allRead, runs)]);
    expect(await a.audit.list({ kind, limit: 10 })).toHaveLength(1);
    // One body at least ran again. PostgreSQL's serialisable checks may end a second run too
    // (its predicate locks are coarse, a false positive it is allowed): a fourth run is not a fault.
    expect(runs.n).toBeGreaterThanOrEqual(3);
  });

  it("gives up after the bound, with PostgreSQL's error, when a body keeps failing to serialise", async () => {
    const a = await stores.open({ isolation: "serializable", maxTransactionRuns: 1 });
    const kind = `once-${randomUUID()}`;
    const allRead = barrier(2);
    const results = await Promise.allSettled([writeOnce(a, kind, allRead, { n: 0 }), writeOnce(a, kind, allRead, { n: 0 })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const reason = (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason;
    expect(pgErrorOf(reason)?.code).toBe("40001");
    expect(await a.audit.list({ kind, limit: 10 })).toHaveLength(1);
  });

  describe("on the paths of a code request, a code check and a token check", () => {
    const isSavepoint = (s: SentStatement) => /^\s*(savepoint|release|rollback to)\b/i.test(s.text);

    /**
     * What `path` sends: its store calls and transactions, and the round trips they cost, once
     * the connection has parsed every statement (as a server's connections soon have); none
     * unnamed, no savepoint. A round trip is one per store call whose answer is read and one per
     * transaction (COMMIT): BEGIN goes with a transaction's first statement, and a write whose
     * answer is not read (an audit row, a limit reset) with the statement after it.
     */
    async function sends(sent: SentStatement[], path: (store: Store) => Promise<unknown>, store: Store) {
      sent.length = 0;
      const counts: CallCounts = { calls: 0, transactions: 0 };
      await path(counting(store, counts));
      return {
        unnamed: sent.filter((s) => !s.name).length,
        savepoints: sent.filter(isSavepoint).length,
        ...counts,
        roundTrips: sent.length,
      };
    }

    async function pathsOnce(store: Store, sent: SentStatement[]) {
      const phone = `+62${Date.now()}${Math.floor(Math.random() * 1000)}`;
      const out: Record<string, object> = {};
      let user!: Awaited<ReturnType<typeof codeRequest>>;
      out.codeRequest = await sends(sent, async (s) => (user = await codeRequest(s, phone)), store);
      out.wrongCode = await sends(sent, (s) => wrongCode(s, phone), store);
      out.codeVerify = await sends(sent, (s) => codeVerify(s, user), store);
      const pending = await pendingRegistration(store, `reg-${randomUUID()}@example.com`);
      out.registrationVerify = await sends(sent, (s) => registrationVerify(s, pending), store);
      const session = await store.sessions.insert(newSession(user.id));
      out.tokenCheck = await sends(sent, (s) => tokenCheck(s, session.id), store);
      return out;
    }

    it("names every statement, adds no savepoint, and waits only for the answers it reads, on family 000's and 003's codes and a token check", async () => {
      const { store, sent } = await stores.openRecorded();
      // The paths run one after the other, so on one connection: the first run has it parse them.
      await pathsOnce(store, sent);
      const none = { unnamed: 0, savepoints: 0 };
      expect(await pathsOnce(store, sent)).toEqual({
        // 4 calls before the account's transaction, 5 in it (the audit row rides with COMMIT),
        // 10 in the code's (the supersede and the audit row with COMMIT), 3 for the message.
        codeRequest: { ...none, calls: 22, transactions: 2, roundTrips: 21 },
        // The audit row rides with COMMIT.
        wrongCode: { ...none, calls: 5, transactions: 1, roundTrips: 5 },
        // 1 call before the transaction, 15 in it, 7 of them writes whose answer is not read.
        codeVerify: { ...none, calls: 16, transactions: 1, roundTrips: 10 },
        // 15 calls in the transaction, 6 of them writes whose answer is not read.
        registrationVerify: { ...none, calls: 15, transactions: 1, roundTrips: 10 },
        tokenCheck: { ...none, calls: 2, transactions: 0, roundTrips: 2 },
      });
    });
  });
});
