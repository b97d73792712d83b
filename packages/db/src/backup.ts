import { statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Db } from "./sqlite/client";
import { ensurePrivateFile, ensurePrivateParent } from "@authsvc/store/files";

export interface BackupResult {
  file: string;
  bytes: number;
  /** `PRAGMA integrity_check` of the copy: "ok" or SQLite's complaint. */
  integrity: string;
}

/**
 * Copies the live database with SQLite's online backup API: page by page, consistent as of
 * one moment, while other connections keep reading and writing. The copy is then checked.
 */
export async function backupDatabase(db: Db, destination: string): Promise<BackupResult> {
  const file = path.resolve(destination);
  ensurePrivateParent(file);
  // Created 0600 before SQLite writes into it: a copy of the store is as secret as the store.
  ensurePrivateFile(file);
  await db.$client.backup(file);
  const copy = new Database(file, { readonly: true });
  try {
    const integrity = String(copy.pragma("integrity_check", { simple: true }));
    return { file, bytes: statSync(file).size, integrity };
  } finally {
    copy.close();
  }
}
