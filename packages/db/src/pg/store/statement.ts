import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import pg from "pg";

/**
 * Named statements: a fixed text under a name, written once per process. node-postgres has
 * the server parse a named statement once per connection and afterwards sends only its
 * values; Drizzle would also build the text again for every transaction.
 */

/** Where a statement runs: the pool (any free connection) or the connection of one transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
  query<R extends unknown[]>(config: pg.QueryArrayConfig): Promise<pg.QueryArrayResult<R>>;
}

export interface Statement {
  name: string;
  text: string;
}

/** One name per text: node-postgres refuses a second text under a name a connection has parsed. */
export const named = (name: string, text: string): Statement => ({ name: `authsvc_${name}`, text });

/**
 * bigint (int8) as a number, as Drizzle reads the schema's bigint columns (mode "number"):
 * times in milliseconds, customer numbers and growing ids, all below 2^53.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

export const run = <R extends pg.QueryResultRow = pg.QueryResultRow>(on: Queryable, statement: Statement, values: unknown[] = []) =>
  on.query<R>({ name: statement.name, text: statement.text, values, types });

export const rows = async <R extends pg.QueryResultRow>(on: Queryable, statement: Statement, values: unknown[]): Promise<R[]> =>
  (await run<R>(on, statement, values)).rows;

export const first = async <R extends pg.QueryResultRow>(on: Queryable, statement: Statement, values: unknown[]): Promise<R | undefined> =>
  (await run<R>(on, statement, values)).rows[0];

/** The rows as arrays of values, in the order of the select list. */
export const arrays = async (on: Queryable, statement: Statement, values: unknown[]): Promise<unknown[][]> =>
  (await on.query<unknown[]>({ name: statement.name, text: statement.text, values, types, rowMode: "array" })).rows;

/** Runs a statement for what it writes. */
export const execute = async (on: Queryable, statement: Statement, values: unknown[]): Promise<void> => {
  await run(on, statement, values);
};

/** How many rows the statement wrote. */
export const changed = async (on: Queryable, statement: Statement, values: unknown[]): Promise<number> =>
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
