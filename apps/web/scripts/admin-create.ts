/**
 * `pnpm admin:create <email | username | phone>`: grants the admin role to an existing
 * account. The only way to make the first admin; after that admins grant it in the app.
 */
import { createAuth, isAuthError } from "@authsvc/core";
import { openDatabase } from "@authsvc/db";
import { EnvError, loadEnv } from "../src/env";

function main() {
  const identifier = process.argv[2];
  if (!identifier) throw new Error("usage: pnpm admin:create <email | username | phone>");
  const env = loadEnv();
  const db = openDatabase(env.databaseUrl);
  try {
    const auth = createAuth({ db, options: { secret: env.authSecret, dataDir: env.dataDir, defaultCountry: env.defaultCountry } });
    const user = auth.grantAdminFromCli(identifier);
    console.log(`user ${user.id} (${user.email ?? user.username ?? user.phone}) is now an admin`);
  } finally {
    db.$client.close();
  }
}

try {
  main();
} catch (err) {
  const message = err instanceof EnvError ? err.message : isAuthError(err) && err.code === "USER_NOT_FOUND" ? `no account matches ${process.argv[2]}` : err instanceof Error ? err.message : String(err);
  console.error(message);
  process.exit(1);
}
