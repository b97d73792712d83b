import type pg from "pg";
import { named, run } from "./statement";
import { onClient, textsOf, type Ahead, type Exchange, type Queryable, type Shape, type Statement } from "./wire";

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
 * One transaction's connection. Its statements go out in order, and what need not be answered
 * at once rides with the next statement, in its round trip: BEGIN, and the writes whose
 * answer the body does not use (their failure fails the transaction all the same, see
 * `deferredFailure`). Only statements the connection has parsed ride along: pg's Client notes
 * as parsed only the statement of the exchange it runs.
 */
class TransactionLine implements Queryable {
  private readonly pending: Ahead[] = [];
  private readonly on: Queryable;
  /** BEGIN has gone to the server (or is on its way). */
  begun = false;
  /** The connection may still be in a transaction it could not end, or in none it believes it is in. */
  unusable: Error | undefined;
  /**
   * A write sent ahead failed, which aborted the transaction. What fails after it in the
   * transaction fails with this error (not "current transaction is aborted"), and COMMIT is
   * not sent: the caller sees the write's own failure, as if it had waited for it.
   */
  deferredFailure: Error | undefined;
  /** Savepoints open: writes in one are each answered, since its caller may go on after a failure. */
  savepoints = 0;
  private tookBegin = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly opening: Statement,
  ) {
    this.on = onClient(client, {
      take: () => {
        if (!this.pending.length) return undefined;
        this.tookBegin = this.pending[0]!.statement === opening;
        if (this.tookBegin) this.begun = true;
        return this.pending.splice(0);
      },
      failed: (error, index) => {
        if (index === 0 && this.tookBegin) this.unusable = error;
        else this.deferredFailure ??= error;
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

  async exchange(statement: Statement, values: readonly unknown[], shape: Shape): Promise<Exchange> {
    if (this.deferredFailure) throw this.deferredFailure;
    try {
      return await this.on.exchange(statement, values, shape);
    } catch (error) {
      throw this.deferredFailure ?? error;
    }
  }

  later(statement: Statement, values: readonly unknown[]): boolean {
    if (this.savepoints > 0 || this.deferredFailure || !this.parsed(statement)) return false;
    this.pending.push({ statement, texts: textsOf(values) });
    return true;
  }

  /** Sends what waits to be sent ahead, for a query that does not go through `exchange` (Drizzle's). */
  async flush(): Promise<void> {
    const last = this.pending.pop();
    if (!last) return;
    const opens = last.statement === this.opening;
    if (opens) this.begun = true;
    await this.exchange(last.statement, last.texts, "objects").catch((error: Error) => {
      if (opens) this.unusable = error;
      throw error;
    });
  }

  /** COMMIT, with what waits to be sent ahead; nothing at all when the body sent nothing. */
  async commit(): Promise<void> {
    if (!this.begun && this.pending.length === 1) {
      this.pending.length = 0;
      return;
    }
    await run(this, commit);
  }

  /** ROLLBACK, when BEGIN has gone; what waits to be sent ahead is dropped with the rest. */
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
 * if it throws. BEGIN goes out with the body's first statement, and a write whose answer the
 * body does not use with the statement after it (see TransactionLine), so a transaction costs
 * one round trip more than the statements whose answers it reads.
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
      if (line.deferredFailure) throw line.deferredFailure;
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
  const line = on instanceof TransactionLine ? on : undefined;
  await run(on, savepoint);
  let result: T;
  if (line) line.savepoints++;
  try {
    result = await work();
  } catch (error) {
    await run(on, rollbackToSavepoint);
    throw error;
  } finally {
    if (line) line.savepoints--;
  }
  await run(on, releaseSavepoint);
  return result;
}
