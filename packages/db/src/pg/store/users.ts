import { and, eq, sql, type SQL } from "drizzle-orm";
import type { CredentialRepository, UserRepository } from "@authsvc/store";
import { credentials, users } from "../schema";
import { asUniqueConflict } from "./errors";
import { lazy, lockedIn, type Bound, type PgSession } from "./session";

export function pgUsers(bound: Bound): UserRepository {
  const { db } = bound;
  const one = (where: SQL | undefined, name: string) =>
    lazy(() => lockedIn(bound, db.select().from(users).where(where).$dynamic(), name));
  const byId = one(eq(users.id, sql.placeholder("id")), "user_by_id");
  const byEmail = one(eq(users.email, sql.placeholder("email")), "user_by_email");
  const byPhone = one(eq(users.phone, sql.placeholder("phone")), "user_by_phone");
  // lower() on both sides, as the unique index is built, so the index answers it.
  const byUsername = one(sql`lower(${users.username}) = lower(${sql.placeholder("username")})`, "user_by_username");
  const byAccount = one(
    and(eq(users.customerNumber, sql.placeholder("customerNumber")), eq(users.accountNumber, sql.placeholder("accountNumber"))),
    "user_by_account",
  );

  /**
   * Runs `work` with unique violations named. In a transaction it runs in a savepoint: a
   * violation aborts a PostgreSQL transaction, and the caller must be able to go on after a
   * UniqueConflict (answer 409, try another number). `atomic` work gets a transaction of its
   * own outside one.
   */
  const guarded = <T>(work: (db: PgSession) => Promise<T>, atomic: boolean): Promise<T> =>
    (bound.locking || atomic ? db.transaction((tx) => work(tx)) : work(db)).catch((error: unknown) => {
      throw asUniqueConflict(error);
    });

  return {
    byId: async (id) => (await byId().execute({ id }))[0],
    byEmail: async (email) => (await byEmail().execute({ email }))[0],
    byPhone: async (phone) => (await byPhone().execute({ phone }))[0],
    byUsername: async (username) => (await byUsername().execute({ username }))[0],
    byAccount: async (customerNumber, accountNumber) => (await byAccount().execute({ customerNumber, accountNumber }))[0],
    async numberTaken(field, value) {
      const column = field === "customerNumber" ? users.customerNumber : users.accountNumber;
      const rows = await db.select({ one: sql`1` }).from(users).where(eq(column, value)).limit(1);
      return rows.length > 0;
    },
    create: (user, password) =>
      guarded(async (tx) => {
        const [created] = await tx.insert(users).values(user).returning();
        await tx
          .insert(credentials)
          .values({ userId: created!.id, passwordHash: password?.hash ?? null, passwordChangedAt: password?.at ?? null });
        return created!;
      }, true),
    async update(id, patch) {
      if (Object.keys(patch).length === 0) return (await byId().execute({ id }))[0];
      return guarded(async (tx) => (await tx.update(users).set(patch).where(eq(users.id, id)).returning())[0], false);
    },
  };
}

export function pgCredentials(bound: Bound): CredentialRepository {
  const { db } = bound;
  const get = lazy(() =>
    lockedIn(bound, db.select().from(credentials).where(eq(credentials.userId, sql.placeholder("userId"))).$dynamic(), "credentials"),
  );
  const userIs = (userId: number) => eq(credentials.userId, userId);
  const reservePinTry = lazy(() =>
    db
      .update(credentials)
      .set({ pinFailures: sql`${credentials.pinFailures} + 1` })
      .where(
        sql`${credentials.userId} = ${sql.placeholder("userId")} AND ${credentials.pinHash} IS NOT NULL
            AND ${credentials.pinLockedAt} IS NULL AND ${credentials.pinFailures} < ${sql.placeholder("max")}`,
      )
      .returning({ failures: credentials.pinFailures, hash: sql<string>`${credentials.pinHash}` })
      .prepare("authsvc_reserve_pin_try"),
  );
  return {
    get: async (userId) => (await get().execute({ userId }))[0],
    async setPassword(userId, hash, at) {
      await db.update(credentials).set({ passwordHash: hash, passwordChangedAt: at }).where(userIs(userId));
    },
    async clearPassword(userId) {
      await db.update(credentials).set({ passwordHash: null, passwordChangedAt: null }).where(userIs(userId));
    },
    async setPinIfUnlocked(userId, hash, at) {
      const rows = await db
        .update(credentials)
        .set({ pinHash: hash, pinChangedAt: at, pinFailures: 0 })
        .where(sql`${credentials.userId} = ${userId} AND ${credentials.pinLockedAt} IS NULL`)
        .returning({ userId: credentials.userId });
      return rows.length === 1;
    },
    async resetPin(userId, hash, at) {
      await db
        .update(credentials)
        .set({ pinHash: hash, pinChangedAt: at, pinFailures: 0, pinLockedAt: null })
        .where(userIs(userId));
    },
    reservePinTry: async (userId, max) => (await reservePinTry().execute({ userId, max }))[0],
    async clearPinFailures(userId) {
      await db.update(credentials).set({ pinFailures: 0 }).where(userIs(userId));
    },
    async lockPin(userId, at) {
      await db.update(credentials).set({ pinLockedAt: at }).where(userIs(userId));
    },
    async liftPinLock(userId) {
      const rows = await db
        .update(credentials)
        .set({ pinFailures: 0, pinLockedAt: null })
        .where(
          sql`${credentials.userId} = ${userId} AND (${credentials.pinLockedAt} IS NOT NULL OR ${credentials.pinFailures} > 0)`,
        )
        .returning({ userId: credentials.userId });
      return rows.length > 0;
    },
  };
}
