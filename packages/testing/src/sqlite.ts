/**
 * SQLite itself, for core's tests of what a database file keeps (a service restarted on the
 * same file): core depends on no engine, and reaches this one through its test package only.
 */
export { createSqliteStore, createSqliteDatabase, outbox, type Db } from "@authsvc/db";
