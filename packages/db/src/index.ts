export * from "./sqlite/schema";
export * from "./sqlite/client";
export * from "./backup";
export { AsyncSlot } from "@authsvc/store/async-context";
export { createSqliteStore } from "./sqlite/store";
export * from "./open-store";
export { isPostgresUrl } from "./pg/client";
export { databaseUrlWithoutSecrets } from "./url-secrets";
