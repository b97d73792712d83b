export * from "./schema";
export * from "./client";
export * from "./store";
