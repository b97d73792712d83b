export * from "./schema";
export * from "./client";
export { and, desc, eq, gte, isNull, isNotNull, lt, lte, ne, or, sql } from "drizzle-orm";
export * from "./backup";
export * from "@authsvc/store/files";
export { createSqliteStore } from "./sqlite-store";
export * from "./open-store";
export { isPostgresUrl } from "./pg/client";
export { databaseUrlWithoutSecrets } from "./url-secrets";
