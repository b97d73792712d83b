import { Column, getTableColumns, is, Param, Placeholder, type Table } from "drizzle-orm";
import type { Db } from "../client";

/** A Drizzle query builder, before `.prepare()`. */
interface Built {
  toSQL(): { sql: string; params: unknown[] };
  prepare(): unknown;
}

/** What the repositories call on a prepared query: better-sqlite3's own results. */
interface Runnable {
  get(values?: Record<string, unknown>): unknown;
  all(values?: Record<string, unknown>): unknown[];
  run(values?: Record<string, unknown>): { changes: number; lastInsertRowid: number | bigint };
}

/**
 * A query Drizzle writes once and better-sqlite3 runs alone, for the statements every request
 * runs: each of Drizzle's prepared calls fills its placeholders into a new array, asks its
 * logger, and maps the row through its general mapper, which together cost more than SQLite
 * does for a lookup by key. Here the values are bound in the order of the statement's
 * placeholders, and rows of `table` (a `select()` of it, or a `returning()` of it) are
 * mapped column by column, only the columns whose type converts (JSON) through Drizzle's own
 * conversion. Called like the prepared query it replaces.
 *
 * The inserts of every code send return the row they were given (its id from
 * `lastInsertRowid`) rather than a `returning()`: inside a transaction SQLite runs a statement
 * with RETURNING under a statement journal, a copy of every page it changes, and collects its
 * rows in a temporary table, which together cost more than the insert.
 */
export function bare<B extends Built>(db: Db, built: B, table?: Table): ReturnType<B["prepare"]> {
  const { sql, params } = built.toSQL();
  const statement = db.$client.prepare(sql);
  // As Drizzle fills them: a placeholder's value, through its column's encoder where it has one.
  const fillers = params.map((p): ((values: Record<string, unknown>) => unknown) => {
    const placeholder = is(p, Placeholder) ? p : is(p, Param) && is(p.value, Placeholder) ? p.value : undefined;
    if (!placeholder) return () => p;
    const encode = is(p, Param) ? (v: unknown) => p.encoder.mapToDriverValue(v) : (v: unknown) => v;
    return (values) => {
      if (!(placeholder.name in values)) throw new Error(`No value for placeholder "${placeholder.name}" was provided`);
      return encode(values[placeholder.name]);
    };
  });
  const bind = (values: Record<string, unknown> = {}) => fillers.map((fill) => fill(values));
  const columns = table ? Object.entries(getTableColumns(table)) : [];
  const convert = columns.map(([, column]) =>
    column.mapFromDriverValue === Column.prototype.mapFromDriverValue ? undefined : (v: unknown) => column.mapFromDriverValue(v),
  );
  const record = (row: unknown[]) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const value = row[i];
      const to = convert[i];
      out[columns[i]![0]] = value === null || value === undefined ? null : to ? to(value) : value;
    }
    return out;
  };
  if (statement.reader) statement.raw(true);
  const runnable: Runnable = {
    get: (values) => {
      const row = statement.get(...bind(values)) as unknown[] | undefined;
      return row && record(row);
    },
    all: (values) => (statement.all(...bind(values)) as unknown[][]).map(record),
    run: (values) => statement.run(...bind(values)),
  };
  return runnable as ReturnType<B["prepare"]>;
}
