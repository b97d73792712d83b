/**
 * `pnpm backup [file]`: a consistent copy of the live database (SQLite's online backup
 * API), safe while the service runs. Default file: <data folder>/backups/auth-<time>.db.
 * On PostgreSQL the server's own tools do it: this says which command, and fails.
 */
import path from "node:path";
import { backupDatabase, databaseUrlWithoutSecrets, createSqliteDatabase } from "@authsvc/db";
import { EnvError, loadEnv } from "../src/env";

/**
 * The pg_dump command for the database at `url`; the password (in the userinfo or a
 * `?password=` parameter) is left to PGPASSWORD or ~/.pgpass, never printed.
 */
function pgDumpCommand(url: string, file: string): string {
  // loadEnv refused a URL that does not parse; should one get here, print none of it.
  const target = databaseUrlWithoutSecrets(url, "") ?? "<DATABASE_URL without its password>";
  return `pg_dump --format=custom --file=${JSON.stringify(file)} '${target.replaceAll("'", "%27")}'`;
}

async function main() {
  const env = loadEnv();
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  if (env.databasePath === undefined) {
    console.error(
      [
        "pnpm backup copies SQLite databases only; DATABASE_URL is PostgreSQL, whose own tools make a consistent copy while the service runs:",
        `  ${pgDumpCommand(env.databaseUrl, process.argv[2] ?? `auth-${stamp}.dump`)}`,
        "Restore it into an empty database with pg_restore (see the README, \"Running many instances\").",
      ].join("\n"),
    );
    process.exit(2);
  }
  if (env.databasePath === ":memory:") throw new Error("DATABASE_URL is :memory:; there is nothing to back up");
  const destination = process.argv[2] ?? path.join(env.dataDir, "backups", `auth-${stamp}.db`);
  const db = createSqliteDatabase(env.databaseUrl, { migrate: false });
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
