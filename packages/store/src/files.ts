import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

/** Owner read and write only: the database, its WAL, backups and generated secrets. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner only: a data or backup folder we create. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` (and missing parents) when absent; the folder itself is then 0700 whatever
 * the umask. A folder that already exists keeps its mode: the operator chose it.
 */
export function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes `file` 0600, creating it empty when absent. chmod after open, since the mode given
 * to open() is filtered by the umask. An existing file is never opened here (it may be
 * read-only to us), only tightened when it is ours.
 */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  restrictFile(file);
}

/** 0600 for a file that exists; absent files and files we do not own are left alone. */
export function restrictFile(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch {
    // ENOENT: nothing to protect; EPERM: not ours to change (a read-only replica, say)
  }
}

/** The folder of `file`, made private when we create it. */
export function ensurePrivateParent(file: string): void {
  ensurePrivateDir(path.dirname(file));
}
