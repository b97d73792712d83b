import type { CredentialRepository, NewUser, User, UserRepository } from "@authsvc/store";
import { and, eq, getTableColumns, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { credentials, users } from "../schema";
import { bare } from "./bare";
import type { Scope } from "./scope";

const p = sql.placeholder;

// Every token check, login and code send looks a user up: prepared once per store.
export function prepareUsers(db: Db) {
  const insertCredentials = bare(
    db,
    db.insert(credentials).values({ userId: p("userId"), passwordHash: p("passwordHash"), passwordChangedAt: p("passwordChangedAt") }),
  );
  // Every column but the id, as placeholders: a new user names them all (NewUser).
  const insertUserRow = bare(
    db,
    db
      .insert(users)
      .values(Object.fromEntries(Object.keys(getTableColumns(users)).filter((c) => c !== "id").map((c) => [c, p(c)])) as unknown as NewUser),
  );
  // The row as given, with its new id, not read back (see ./bare).
  const insertUser = (user: NewUser, password: { hash: string; at: number } | null): User => {
    const id = Number(insertUserRow.run(user).lastInsertRowid);
    insertCredentials.run({ userId: id, passwordHash: password?.hash ?? null, passwordChangedAt: password?.at ?? null });
    return { ...user, id };
  };
  // An update names the columns it changes: one statement per set of names, prepared on its
  // first use (a handful in all, each a flow's own patch), instead of built and parsed per call.
  const updates = new Map<string, ReturnType<typeof prepareUpdate>>();
  const prepareUpdate = (columns: string[]) =>
    bare(
      db,
      db
        .update(users)
        .set(Object.fromEntries(columns.map((c) => [c, sql`${p(c)}`])))
        .where(eq(users.id, p("id")))
        .returning(),
      users,
    );
  const updateOf = (columns: string[]) => {
    const key = columns.join(",");
    let statement = updates.get(key);
    if (!statement) updates.set(key, (statement = prepareUpdate(columns)));
    return statement;
  };
  return {
    // The user and its credentials in one transaction (a savepoint inside an open one).
    create: db.$client.transaction(insertUser),
    updateOf,
    byId: bare(db, db.select().from(users).where(eq(users.id, p("id"))), users),
    byEmail: bare(db, db.select().from(users).where(eq(users.email, p("email"))), users),
    byPhone: bare(db, db.select().from(users).where(eq(users.phone, p("phone"))), users),
    byUsername: bare(db, db.select().from(users).where(sql`lower(${users.username}) = lower(${p("username")})`), users),
    byAccount: bare(
      db,
      db
        .select()
        .from(users)
        .where(and(eq(users.customerNumber, p("customerNumber")), eq(users.accountNumber, p("accountNumber")))),
      users,
    ),
    // Every new account asks both, once each: through bare() as the lookups by key are.
    customerNumberTaken: bare(db, db.select({ id: users.id }).from(users).where(eq(users.customerNumber, p("n")))),
    accountNumberTaken: bare(db, db.select({ id: users.id }).from(users).where(eq(users.accountNumber, p("n")))),
    credentials: bare(db, db.select().from(credentials).where(eq(credentials.userId, p("userId"))), credentials),
    setPassword: bare(
      db,
      db
        .update(credentials)
        .set({ passwordHash: sql`${p("hash")}`, passwordChangedAt: sql`${p("at")}` })
        .where(eq(credentials.userId, p("userId"))),
    ),
    clearPassword: bare(
      db,
      db
        .update(credentials)
        .set({ passwordHash: null, passwordChangedAt: null })
        .where(eq(credentials.userId, p("userId"))),
    ),
    setPinIfUnlocked: bare(
      db,
      db
        .update(credentials)
        .set({ pinHash: sql`${p("hash")}`, pinChangedAt: sql`${p("at")}`, pinFailures: 0 })
        .where(and(eq(credentials.userId, p("userId")), isNull(credentials.pinLockedAt))),
    ),
    resetPin: bare(
      db,
      db
        .update(credentials)
        .set({ pinHash: sql`${p("hash")}`, pinChangedAt: sql`${p("at")}`, pinFailures: 0, pinLockedAt: null })
        .where(eq(credentials.userId, p("userId"))),
    ),
    // One statement, so concurrent guesses can never count past the limit.
    reservePinTry: db.$client.prepare(
      `UPDATE credentials SET pin_failures = pin_failures + 1
       WHERE user_id = ? AND pin_hash IS NOT NULL AND pin_locked_at IS NULL AND pin_failures < ?
       RETURNING pin_failures AS failures, pin_hash AS hash`,
    ),
    clearPinFailures: bare(db, db.update(credentials).set({ pinFailures: 0 }).where(eq(credentials.userId, p("userId")))),
    lockPin: bare(
      db,
      db
        .update(credentials)
        .set({ pinLockedAt: sql`${p("at")}` })
        .where(eq(credentials.userId, p("userId"))),
    ),
    liftPinLock: bare(
      db,
      db
        .update(credentials)
        .set({ pinFailures: 0, pinLockedAt: null })
        .where(and(eq(credentials.userId, p("userId")), or(isNotNull(credentials.pinLockedAt), sql`${credentials.pinFailures} > 0`))),
    ),
  };
}

type Queries = ReturnType<typeof prepareUsers>;

export function userRepository(q: Queries, scope: Scope): UserRepository {
  return {
    byId: (id) => scope.run(() => q.byId.get({ id })),
    byEmail: (email) => scope.run(() => q.byEmail.get({ email })),
    byPhone: (phone) => scope.run(() => q.byPhone.get({ phone })),
    byUsername: (username) => scope.run(() => q.byUsername.get({ username })),
    byAccount: (customerNumber, accountNumber) => scope.run(() => q.byAccount.get({ customerNumber, accountNumber })),
    numberTaken: (field, value) =>
      scope.run(() => (field === "customerNumber" ? q.customerNumberTaken : q.accountNumberTaken).get({ n: value }) !== undefined),
    create: (user, password) => scope.run(() => q.create.immediate(user, password)),
    update: (id, patch) =>
      scope.run(() => {
        const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
        const columns = Object.keys(set).sort();
        if (columns.length === 0) return q.byId.get({ id });
        return q.updateOf(columns).get({ ...set, id });
      }),
  };
}

export function credentialRepository(q: Queries, scope: Scope): CredentialRepository {
  return {
    get: (userId) => scope.run(() => q.credentials.get({ userId })),
    setPassword: (userId, hash, at) =>
      scope.run(() => {
        q.setPassword.run({ userId, hash, at });
      }),
    clearPassword: (userId) =>
      scope.run(() => {
        q.clearPassword.run({ userId });
      }),
    setPinIfUnlocked: (userId, hash, at) => scope.run(() => q.setPinIfUnlocked.run({ userId, hash, at }).changes === 1),
    resetPin: (userId, hash, at) =>
      scope.run(() => {
        q.resetPin.run({ userId, hash, at });
      }),
    reservePinTry: (userId, max) =>
      scope.run(() => q.reservePinTry.get(userId, max) as { failures: number; hash: string } | undefined),
    clearPinFailures: (userId) =>
      scope.run(() => {
        q.clearPinFailures.run({ userId });
      }),
    lockPin: (userId, at) =>
      scope.run(() => {
        q.lockPin.run({ userId, at });
      }),
    liftPinLock: (userId) => scope.run(() => q.liftPinLock.run({ userId }).changes > 0),
  };
}
