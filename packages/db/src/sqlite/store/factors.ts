import type { SecondFactorKind, SecondFactorRepository } from "@authsvc/store";
import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { recoveryCodes, secondFactors } from "../schema";
import { bare } from "./bare";
import type { Scope } from "./scope";

const p = sql.placeholder;
const ofUser = eq(secondFactors.userId, p("userId"));
const unusedCode = and(eq(recoveryCodes.userId, p("userId")), isNull(recoveryCodes.usedAt));

export function prepareFactors(db: Db) {
  const client = db.$client;
  const deleteCodes = bare(db, db.delete(recoveryCodes).where(eq(recoveryCodes.userId, p("userId"))));
  const insertCode = bare(
    db,
    db.insert(recoveryCodes).values({ userId: p("userId"), codeHash: p("codeHash"), createdAt: p("createdAt") }),
  );
  return {
    listOfUser: bare(db, db.select().from(secondFactors).where(ofUser).orderBy(asc(secondFactors.createdAt), asc(secondFactors.id)), secondFactors),
    // Every sign-in asks: raw, bound by position and plucked, the cheapest read there is; most
    // accounts have no factor, and the user's index finds that without reading a row.
    confirmedKinds: client
      .prepare<[userId: number], SecondFactorKind>(
        `SELECT DISTINCT kind FROM second_factors WHERE user_id = ? AND confirmed_at IS NOT NULL ORDER BY kind`,
      )
      .pluck(),
    byId: bare(db, db.select().from(secondFactors).where(eq(secondFactors.id, p("id"))), secondFactors),
    byCredentialId: bare(db, db.select().from(secondFactors).where(eq(secondFactors.credentialId, p("credentialId"))), secondFactors),
    // A credential id already held fails on its unique index, which translateError names CredentialTaken.
    insert: bare(
      db,
      db.insert(secondFactors).values({
        userId: p("userId"),
        kind: p("kind"),
        name: p("name"),
        secret: p("secret"),
        lastStep: p("lastStep"),
        credentialId: p("credentialId"),
        publicKey: p("publicKey"),
        signCount: p("signCount"),
        // Raw, so NULL stays NULL: a placeholder bound to the JSON column would store "null".
        transports: sql`${p("transports")}`,
        backedUp: p("backedUp"),
        multiDevice: p("multiDevice"),
        createdAt: p("createdAt"),
        confirmedAt: p("confirmedAt"),
      }),
    ),
    confirm: bare(
      db,
      db
        .update(secondFactors)
        .set({ confirmedAt: sql`${p("at")}` })
        .where(and(eq(secondFactors.id, p("id")), ofUser, isNull(secondFactors.confirmedAt))),
    ),
    // One statement, so of concurrent uses of one step only the first finds it still later than the last.
    useStep: bare(
      db,
      db
        .update(secondFactors)
        .set({ lastStep: sql`${p("step")}`, lastUsedAt: sql`${p("at")}` })
        .where(
          and(
            eq(secondFactors.id, p("id")),
            eq(secondFactors.kind, "totp"),
            or(isNull(secondFactors.lastStep), lt(secondFactors.lastStep, p("step"))),
          ),
        ),
    ),
    usePasskey: bare(
      db,
      db
        .update(secondFactors)
        .set({ signCount: sql`${p("signCount")}`, backedUp: sql`${p("backedUp")}`, lastUsedAt: sql`${p("at")}` })
        .where(and(eq(secondFactors.id, p("id")), eq(secondFactors.kind, "passkey"))),
    ),
    remove: bare(db, db.delete(secondFactors).where(and(eq(secondFactors.id, p("id")), ofUser))),
    removeAllOfUser: bare(db, db.delete(secondFactors).where(ofUser)),
    removeUnconfirmed: bare(
      db,
      db.delete(secondFactors).where(and(ofUser, eq(secondFactors.kind, "totp"), isNull(secondFactors.confirmedAt))),
    ),
    // The old codes and the new in one transaction (a savepoint inside an open one): never both, never none.
    replaceCodes: client.transaction((userId: number, hashes: string[], at: number) => {
      deleteCodes.run({ userId });
      for (const codeHash of hashes) insertCode.run({ userId, codeHash, createdAt: at });
    }),
    // One statement, so of concurrent uses of one code only the first finds it unused.
    useCode: bare(
      db,
      db
        .update(recoveryCodes)
        .set({ usedAt: sql`${p("at")}` })
        .where(and(unusedCode, eq(recoveryCodes.codeHash, p("codeHash")))),
    ),
    codesLeft: client.prepare<[userId: number], number>(`SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`).pluck(),
    removeCodes: deleteCodes,
  };
}

type Queries = ReturnType<typeof prepareFactors>;

export function factorRepository(q: Queries, scope: Scope): SecondFactorRepository {
  return {
    listOfUser: (userId) => scope.run(() => q.listOfUser.all({ userId })),
    confirmedKinds: (userId) => scope.run(() => q.confirmedKinds.all(userId)),
    byId: (id) => scope.run(() => q.byId.get({ id })),
    byCredentialId: (credentialId) => scope.run(() => q.byCredentialId.get({ credentialId })),
    // The row as given, not read back (see ./bare).
    insert: (f) =>
      scope.run(() => {
        const { lastInsertRowid } = q.insert.run({ ...f, transports: f.transports === null ? null : JSON.stringify(f.transports) });
        return { ...f, id: Number(lastInsertRowid), lastUsedAt: null };
      }),
    confirm: (id, userId, at) => scope.run(() => q.confirm.run({ id, userId, at }).changes === 1),
    useStep: (id, step, at) => scope.run(() => q.useStep.run({ id, step, at }).changes === 1),
    usePasskey: (id, signCount, backedUp, at) =>
      scope.run(() => {
        // Bound raw: better-sqlite3 binds no booleans.
        q.usePasskey.run({ id, signCount, backedUp: backedUp ? 1 : 0, at });
      }),
    remove: (id, userId) => scope.run(() => q.remove.run({ id, userId }).changes === 1),
    removeAllOfUser: (userId) => scope.run(() => q.removeAllOfUser.run({ userId }).changes),
    removeUnconfirmed: (userId) =>
      scope.run(() => {
        q.removeUnconfirmed.run({ userId });
      }),
    replaceRecoveryCodes: (userId, hashes, at) => scope.run(() => q.replaceCodes.immediate(userId, hashes, at)),
    useRecoveryCode: (userId, codeHash, at) => scope.run(() => q.useCode.run({ userId, codeHash, at }).changes > 0),
    recoveryCodesLeft: (userId) => scope.run(() => q.codesLeft.get(userId)!),
    removeRecoveryCodes: (userId) =>
      scope.run(() => {
        q.removeCodes.run({ userId });
      }),
  };
}
