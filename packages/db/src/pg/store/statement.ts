import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import type { Queryable, Statement } from "./wire";

export type { Queryable, Statement } from "./wire";

/**
 * Named statements: a fixed text under a name, written once per process. The server parses a
 * named statement once per connection and afterwards gets only its values; Drizzle would also
 * build the text again for every transaction.
 */

/** One name per text: node-postgres refuses a second text under a name a connection has parsed. */
export const named = (name: string, text: string): Statement => ({ name: `authsvc_${name}`, text });

export const run = (on: Queryable, statement: Statement, values: readonly unknown[] = []) => on.exchange(statement, values, "objects");

export const rows = async <R>(on: Queryable, statement: Statement, values: readonly unknown[]): Promise<R[]> =>
  (await run(on, statement, values)).rows as R[];

export const first = async <R>(on: Queryable, statement: Statement, values: readonly unknown[]): Promise<R | undefined> =>
  (await run(on, statement, values)).rows[0] as R | undefined;

/** The rows as arrays of values, in the order of the select list. */
export const arrays = async (on: Queryable, statement: Statement, values: readonly unknown[]): Promise<unknown[][]> =>
  (await on.exchange(statement, values, "arrays")).rows as unknown[][];

/** Runs a statement for what it writes; in a transaction, maybe in the round trip of the next statement (see Queryable.later). */
export const execute = async (on: Queryable, statement: Statement, values: readonly unknown[]): Promise<void> => {
  if (on.later?.(statement, values)) return;
  await run(on, statement, values);
};

/** How many rows the statement wrote. */
export const changed = async (on: Queryable, statement: Statement, values: readonly unknown[]): Promise<number> =>
  (await run(on, statement, values)).rowCount ?? 0;

/** A table's columns: the record's key and the SQL name, in the schema's order. */
export function columnsOf(table: Table): { key: string; name: string; json: boolean }[] {
  return Object.entries(getTableColumns(table)).map(([key, c]) => ({ key, name: c.name, json: c.columnType === "PgJsonb" }));
}

/** The table's columns as a select (or RETURNING) list whose names are the record's keys. */
export function selectList(table: Table, alias?: string): string {
  const from = alias ? `${alias}.` : "";
  return columnsOf(table)
    .map(({ key, name }) => (key === name ? `${from}"${name}"` : `${from}"${name}" AS "${key}"`))
    .join(", ");
}

/**
 * An INSERT into `table` of every column but `omit` (those the table fills in), and the
 * values it takes from a record: JSON columns as JSON text, as Drizzle writes them, and a
 * missing value as NULL.
 */
export function insertion(table: Table, omit: readonly string[]) {
  const columns = columnsOf(table).filter((c) => !omit.includes(c.key));
  const text = `INSERT INTO "${getTableName(table)}" (${columns.map((c) => `"${c.name}"`).join(", ")})
     VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`;
  const values = (record: object) =>
    columns.map(({ key, json }) => {
      const value = (record as Record<string, unknown>)[key] ?? null;
      return json && value !== null ? JSON.stringify(value) : value;
    });
  return { text, values, count: columns.length };
}

/** `insertion` as a named statement, RETURNING the row when asked. */
export function inserter(name: string, table: Table, { omit, returning }: { omit: readonly string[]; returning: boolean }) {
  const { text, values } = insertion(table, omit);
  return { statement: named(name, returning ? `${text} RETURNING ${selectList(table)}` : text), values };
}

/** A read, and the same read locking its rows until the transaction ends (see Bound). */
export interface LockableRead {
  plain: Statement;
  locked: Statement;
}

export const lockableRead = (name: string, text: string): LockableRead => ({
  plain: named(name, text),
  locked: named(`${name}_locked`, `${text} FOR NO KEY UPDATE`),
});
