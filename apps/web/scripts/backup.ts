/**
 * `pnpm backup [file]`: a consistent copy of the live database (SQLite's online backup
 * API), safe while the service runs. Default file: <data folder>/backups/auth-<time>.db.
 */
import path from "node:path";
import { backupDatabase, openDatabase } from "@authsvc/db";
import { EnvError, loadEnv } from "../src/env";

async function main() {
  const env = loadEnv();
  if (env.databasePath === ":memory:") throw new Error("DATABASE_URL is :memory:; there is nothing to back up");
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const destination = process.argv[2] ?? path.join(env.dataDir, "backups", `auth-${stamp}.db`);
  const db = openDatabase(env.databaseUrl, { migrate: false });
  try {
    const result = await backupDatabase(db, destination);
    if (result.integrity !== "ok") throw new Error(`the copy failed its integrity check: ${result.integrity}`);
    console.log(`backup written: ${result.file} (${result.bytes} bytes, integrity ok)`);
  } finally {
    db.$client.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError ? err.message : `backup failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
