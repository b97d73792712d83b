import { is, type SQL } from "drizzle-orm";
import { PgDialect, PgTable, getTableConfig as pgTableConfig } from "drizzle-orm/pg-core";
import { SQLiteSyncDialect, SQLiteTable, getTableConfig as sqliteTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as sqlite from "../sqlite/schema";
import * as postgres from "./schema";

// The PostgreSQL schema must not drift from SQLite's: a column, index or key added to one
// and not the other fails here, and a row type that differs fails the type check.

/** What an engine's column type may be on the other side: SQLite's integer is 64-bit. */
const pgTypesFor: Record<string, string[]> = {
  SQLiteInteger: ["PgInteger", "PgBigInt53"],
  SQLiteText: ["PgText"],
  SQLiteTextJson: ["PgJsonb"],
  SQLiteBoolean: ["PgBoolean"],
};

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

function tablesOf(module: Record<string, unknown>, isTable: (v: unknown) => boolean): string[] {
  return Object.keys(module)
    .filter((k) => isTable(module[k]))
    .sort();
}

/** Engine-neutral shape of a table: what both engines must agree on. */
function describeTable(config: ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>, render: (s: SQL) => string) {
  return {
    name: config.name,
    columns: Object.fromEntries(
      config.columns.map((c) => [
        c.name,
        {
          notNull: c.notNull,
          primary: c.primary,
          default: c.default,
          enumValues: c.enumValues,
          generatedId: "autoIncrement" in c ? Boolean(c.autoIncrement) : Boolean((c as { generatedIdentity?: unknown }).generatedIdentity),
        },
      ]),
    ),
    indexes: config.indexes
      .map((i) => ({
        name: i.config.name,
        unique: i.config.unique,
        on: i.config.columns.map((c) => ("name" in c && typeof c.name === "string" ? c.name : render(c as SQL))),
        where: i.config.where ? render(i.config.where) : null,
      }))
      .sort((a, b) => a.name!.localeCompare(b.name!)),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        return {
          columns: ref.columns.map((c) => c.name),
          table: is(ref.foreignTable, SQLiteTable) ? sqliteTableConfig(ref.foreignTable).name : pgTableConfig(ref.foreignTable as PgTable).name,
          foreignColumns: ref.foreignColumns.map((c) => c.name),
          // Unset is "no action" on both engines; only PostgreSQL's config spells it out.
          onDelete: fk.onDelete ?? "no action",
          onUpdate: fk.onUpdate ?? "no action",
        };
      })
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    uniqueConstraints: config.uniqueConstraints.map((u) => u.columns.map((c) => c.name)),
    checks: config.checks.map((c) => c.name),
  };
}

const sqliteTables = tablesOf(sqlite, (v) => is(v, SQLiteTable));
const pgTables = tablesOf(postgres, (v) => is(v, PgTable));

describe("the PostgreSQL schema mirrors SQLite's", () => {
  it("has the same tables under the same export names", () => {
    expect(sqliteTables.length).toBeGreaterThan(0);
    expect(pgTables).toEqual(sqliteTables);
  });

  it.each(sqliteTables)("%s: same columns, defaults, keys and indexes", (key) => {
    const lite = sqliteTableConfig(sqlite[key as keyof typeof sqlite] as SQLiteTable);
    const pg = pgTableConfig(postgres[key as keyof typeof postgres] as PgTable);
    const render = (dialect: SQLiteSyncDialect | PgDialect) => (s: SQL) => dialect.sqlToQuery(s).sql;
    expect(describeTable(pg, render(pgDialect))).toEqual(describeTable(lite, render(sqliteDialect)));

    for (const column of lite.columns) {
      const twin = pg.columns.find((c) => c.name === column.name)!;
      expect(pgTypesFor[column.columnType], `${lite.name}.${column.name} is ${twin.columnType}`).toContain(twin.columnType);
    }
  });

  it("keeps every time as epoch milliseconds in a bigint read as a number", () => {
    const times = pgTables.flatMap((key) =>
      pgTableConfig(postgres[key as keyof typeof postgres] as PgTable).columns.filter((c) => /(^|_)at$|_start$/.test(c.name)),
    );
    expect(times.length).toBeGreaterThan(20);
    for (const c of times) expect(c.columnType, c.name).toBe("PgBigInt53");
  });

  it("reads and writes rows of the same TypeScript types", () => {
    expectTypeOf<typeof postgres.users.$inferSelect>().toEqualTypeOf<typeof sqlite.users.$inferSelect>();
    expectTypeOf<typeof postgres.users.$inferInsert>().toEqualTypeOf<typeof sqlite.users.$inferInsert>();
    expectTypeOf<typeof postgres.credentials.$inferSelect>().toEqualTypeOf<typeof sqlite.credentials.$inferSelect>();
    // Not credentials' insert: SQLite's INTEGER PRIMARY KEY may be left out (it is the rowid),
    // PostgreSQL rightly wants the user's id.
    expectTypeOf<typeof postgres.challenges.$inferSelect>().toEqualTypeOf<typeof sqlite.challenges.$inferSelect>();
    expectTypeOf<typeof postgres.challenges.$inferInsert>().toEqualTypeOf<typeof sqlite.challenges.$inferInsert>();
    expectTypeOf<typeof postgres.sessions.$inferSelect>().toEqualTypeOf<typeof sqlite.sessions.$inferSelect>();
    expectTypeOf<typeof postgres.sessions.$inferInsert>().toEqualTypeOf<typeof sqlite.sessions.$inferInsert>();
    expectTypeOf<typeof postgres.opaqueTokens.$inferSelect>().toEqualTypeOf<typeof sqlite.opaqueTokens.$inferSelect>();
    expectTypeOf<typeof postgres.opaqueTokens.$inferInsert>().toEqualTypeOf<typeof sqlite.opaqueTokens.$inferInsert>();
    expectTypeOf<typeof postgres.rateLimits.$inferSelect>().toEqualTypeOf<typeof sqlite.rateLimits.$inferSelect>();
    expectTypeOf<typeof postgres.rateLimits.$inferInsert>().toEqualTypeOf<typeof sqlite.rateLimits.$inferInsert>();
    expectTypeOf<typeof postgres.auditEvents.$inferSelect>().toEqualTypeOf<typeof sqlite.auditEvents.$inferSelect>();
    expectTypeOf<typeof postgres.auditEvents.$inferInsert>().toEqualTypeOf<typeof sqlite.auditEvents.$inferInsert>();
    expectTypeOf<typeof postgres.outbox.$inferSelect>().toEqualTypeOf<typeof sqlite.outbox.$inferSelect>();
    expectTypeOf<typeof postgres.outbox.$inferInsert>().toEqualTypeOf<typeof sqlite.outbox.$inferInsert>();
    expectTypeOf<typeof postgres.secondFactors.$inferSelect>().toEqualTypeOf<typeof sqlite.secondFactors.$inferSelect>();
    expectTypeOf<typeof postgres.secondFactors.$inferInsert>().toEqualTypeOf<typeof sqlite.secondFactors.$inferInsert>();
    expectTypeOf<typeof postgres.recoveryCodes.$inferSelect>().toEqualTypeOf<typeof sqlite.recoveryCodes.$inferSelect>();
    expectTypeOf<typeof postgres.recoveryCodes.$inferInsert>().toEqualTypeOf<typeof sqlite.recoveryCodes.$inferInsert>();
    expectTypeOf<typeof postgres.oidcModels.$inferSelect>().toEqualTypeOf<typeof sqlite.oidcModels.$inferSelect>();
    expectTypeOf<typeof postgres.oidcModels.$inferInsert>().toEqualTypeOf<typeof sqlite.oidcModels.$inferInsert>();
    expectTypeOf<typeof postgres.oidcClients.$inferSelect>().toEqualTypeOf<typeof sqlite.oidcClients.$inferSelect>();
    expectTypeOf<typeof postgres.oidcClients.$inferInsert>().toEqualTypeOf<typeof sqlite.oidcClients.$inferInsert>();
  });
});
