/**
 * What every part of one bench run shares, set up once when the run starts: its arguments
 * (parsed from the command line; `--help` exits here), the machine's cores, the connections
 * each kind of load uses, the temp work folder, the service's secret, the databases and the log.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { postgresDatabases, sqliteDatabases, type Databases } from "./databases";
import { parseArgs } from "./options";

export const args = parseArgs(process.argv.slice(2));
export const CORES = availableParallelism();
export const TOKEN_CONNECTIONS = 32;
export const LOGIN_CONNECTIONS = 16;
export const CODE_CONNECTIONS = 16;

export const work = mkdtempSync(path.join(tmpdir(), "authsvc-bench-"));
export const secret = randomBytes(36).toString("base64url");
export const runId = Date.now().toString(36);
export const databases: Databases = args.databaseUrl ? postgresDatabases(args.databaseUrl, runId) : sqliteDatabases(work);
export const started = Date.now();

export const log = (msg: string) => {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.error(`[${s}s] ${msg}`);
};
