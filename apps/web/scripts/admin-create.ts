/**
 * `pnpm admin:create <email | username | phone>`: grants the admin role to an existing
 * account. The only way to make the first admin; after that admins grant it in the app.
 */
import { createAuth, isAuthError } from "@authsvc/core";
import { openStore } from "@authsvc/db";
import { EnvError, loadEnv } from "../src/env";

async function main() {
  const identifier = process.argv[2];
  if (!identifier) throw new Error("usage: pnpm admin:create <email | username | phone>");
  const env = loadEnv();
  const store = await openStore(env.databaseUrl);
  try {
    const auth = createAuth({ store, options: { secret: env.authSecret, dataDir: env.dataDir, defaultCountry: env.defaultCountry } });
    const user = await auth.grantAdminFromCli(identifier);
    console.log(`user ${user.id} (${user.email ?? user.username ?? user.phone}) is now an admin`);
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  const message = err instanceof EnvError ? err.message : isAuthError(err) && err.code === "USER_NOT_FOUND" ? `no account matches ${process.argv[2]}` : err instanceof Error ? err.message : String(err);
  console.error(message);
  process.exit(1);
});
