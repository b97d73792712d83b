import type pg from "pg";
import { named, run, type Queryable } from "./statement";

export type Isolation = "read committed" | "serializable";

// Named like every other statement, so a transaction's control costs no parse either.
const begin: Record<Isolation, ReturnType<typeof named>> = {
  "read committed": named("begin_read_committed", "BEGIN ISOLATION LEVEL READ COMMITTED"),
  serializable: named("begin_serializable", "BEGIN ISOLATION LEVEL SERIALIZABLE"),
};
const commit = named("commit", "COMMIT");
const rollback = named("rollback", "ROLLBACK");
// One name at every depth: RELEASE and ROLLBACK TO act on the newest savepoint of a name.
const savepoint = named("savepoint", "SAVEPOINT authsvc_sp");
const releaseSavepoint = named("release_savepoint", "RELEASE SAVEPOINT authsvc_sp");
const rollbackToSavepoint = named("rollback_to_savepoint", "ROLLBACK TO SAVEPOINT authsvc_sp");

/** Runs `body` in a transaction on a connection of its own: committed if it resolves, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, isolation: Isolation, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection that could not open or end a transaction may still be in one: the pool
  // closes it rather than lend it again.
  let unusable: Error | undefined;
  const unusableIf = (error: Error) => {
    unusable = error;
    throw error;
  };
  try {
    await run(client, begin[isolation]).catch(unusableIf);
    try {
      const result = await body(client);
      await run(client, commit);
      return result;
    } catch (error) {
      // Also after a failed COMMIT, which has ended the transaction: ROLLBACK then only warns.
      await run(client, rollback).catch(unusableIf).catch(() => undefined);
      throw error;
    }
  } finally {
    client.release(unusable);
  }
}

/** Runs `work` in a savepoint of the open transaction: if it throws, only its own writes are undone and the transaction goes on. */
export async function inSavepoint<T>(on: Queryable, work: () => Promise<T>): Promise<T> {
  await run(on, savepoint);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await run(on, rollbackToSavepoint);
    throw error;
  }
  await run(on, releaseSavepoint);
  return result;
}
