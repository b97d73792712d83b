export * from "./schema";
export * from "./client";
export { and, asc, desc, eq, gt, gte, isNull, isNotNull, lt, lte, ne, or, sql, inArray, count } from "drizzle-orm";
export * from "./backup";
export * from "./files";
