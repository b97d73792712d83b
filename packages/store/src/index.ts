/**
 * What the service keeps and the contract every storage engine honours. Core speaks only
 * this; the engines (SQLite and PostgreSQL, in packages/db) implement it and pass the
 * conformance suite in ./conformance. No SQL, Drizzle or driver here.
 */
export * from "./records";
export * from "./store";
export * from "./key-range";
