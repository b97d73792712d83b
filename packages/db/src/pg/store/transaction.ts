import type pg from "pg";
import { named, run } from "./statement";
import { onClient, type Ahead, type Exchange, type Queryable, type Shape, type Statement } from "./wire";

export type Isolation = "read committed" | "serializable";

// Named like every other statement, so a transaction's control costs no parse either.
const begin: Record<Isolation, Statement> = {
  "read committed": named("begin_read_committed", "BEGIN ISOLATION LEVEL READ COMMITTED"),
  serializable: named("begin_serializable", "BEGIN ISOLATION LEVEL SERIALIZABLE"),
};
const commit = named("commit", "COMMIT");
const rollback = named("rollback", "ROLLBACK");
// One name at every depth: RELEASE and ROLLBACK TO act on the newest savepoint of a name.
const savepoint = named("savepoint", "SAVEPOINT authsvc_sp");
const releaseSavepoint = named("release_savepoint", "RELEASE SAVEPOINT authsvc_sp");
const rollbackToSavepoint = named("rollback_to_savepoint", "ROLLBACK TO SAVEPOINT authsvc_sp");

/**
 * One transaction's connection. Its statements go out in order, and BEGIN rides with the
 * first, in its round trip. Only a statement the connection has parsed rides along: pg's
 * Client notes as parsed only the statement of the exchange it runs.
 */
class TransactionLine implements Queryable {
  private readonly pending: Ahead[] = [];
  private readonly on: Queryable;
  /** BEGIN has gone to the server (or is on its way). */
  begun = false;
  /** The connection may still be in a transaction it could not end, or in none it believes it is in. */
  unusable: Error | undefined;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly opening: Statement,
  ) {
    this.on = onClient(client, {
      take: () => {
        if (!this.pending.length) return undefined;
        this.begun = true;
        return this.pending.splice(0);
      },
      failed: (error) => {
        this.unusable = error;
      },
    });
  }

  parsed(statement: Statement): boolean {
    const { parsedStatements } = this.client.connection as unknown as { parsedStatements: Record<string, string> };
    return parsedStatements[statement.name] === statement.text;
  }

  /** BEGIN as the first statement: sent ahead when the connection has it parsed, else now, on its own. */
  async open(): Promise<void> {
    if (this.parsed(this.opening)) {
      this.pending.push({ statement: this.opening, texts: [] });
      return;
    }
    this.begun = true;
    await run(this.on, this.opening).catch((error: Error) => {
      this.unusable = error;
      throw error;
    });
  }

  exchange(statement: Statement, values: readonly unknown[], shape: Shape): Promise<Exchange> {
    return this.on.exchange(statement, values, shape);
  }

  /** Sends BEGIN if it still waits, for a query that does not go through `exchange` (Drizzle's). */
  async flush(): Promise<void> {
    if (!this.pending.length) return;
    this.pending.length = 0;
    this.begun = true;
    await run(this.on, this.opening).catch((error: Error) => {
      this.unusable = error;
      throw error;
    });
  }

  /** COMMIT; nothing at all when the body sent nothing. */
  async commit(): Promise<void> {
    if (!this.begun) {
      this.pending.length = 0;
      return;
    }
    await run(this, commit);
  }

  /** ROLLBACK, when BEGIN has gone. */
  async rollback(): Promise<void> {
    this.pending.length = 0;
    if (!this.begun) return;
    await run(this.on, rollback).catch((error: Error) => {
      this.unusable = error;
    });
  }
}

/** A transaction's connection: its statements, and pg's client for what Drizzle builds per call. */
export interface TransactionConnection {
  on: Queryable;
  /** For Drizzle: its queries go after what the transaction's statements queued. */
  client: pg.PoolClient;
}

/**
 * Runs `body` in a transaction on a connection of its own: committed if it resolves, rolled back
 * if it throws. BEGIN goes out with the body's first statement (see TransactionLine), so a
 * transaction costs one round trip more than its statements rather than two.
 */
export async function inTransaction<T>(pool: pg.Pool, isolation: Isolation, body: (connection: TransactionConnection) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const line = new TransactionLine(client, begin[isolation]);
  const drizzleClient = {
    query: async (...args: unknown[]) => {
      await line.flush();
      return (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
    },
  } as unknown as pg.PoolClient;
  try {
    await line.open();
    try {
      const result = await body({ on: line, client: drizzleClient });
      await line.commit();
      return result;
    } catch (error) {
      // Also after a failed COMMIT, which has ended the transaction: ROLLBACK then only warns.
      await line.rollback();
      throw error;
    }
  } finally {
    // A connection that could not open or end a transaction may still be in one: the pool
    // closes it rather than lend it again.
    client.release(line.unusable);
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
