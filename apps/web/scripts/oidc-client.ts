/**
 * `pnpm oidc:client add --name "App" --redirect-uri https://app.example/callback
 *   [--redirect-uri ...] [--post-logout-redirect-uri ...] [--public] [--json]`,
 * `pnpm oidc:client list [--json]` and `pnpm oidc:client revoke <client_id>`: the applications
 * that "sign in with" this service (OpenID Connect). The secret is printed once, by `add`, and
 * kept only as a keyed hash: it cannot be shown again (revoke and add the app anew instead).
 */
import { parseArgs } from "node:util";
import { createAuth, isAuthError } from "@authsvc/core";
import { openStore } from "@authsvc/db";
import { EnvError, loadEnv } from "../src/env";

const USAGE = `usage:
  pnpm oidc:client add --name <name> --redirect-uri <uri> [--redirect-uri <uri> ...] [--post-logout-redirect-uri <uri> ...] [--public] [--json]
  pnpm oidc:client list [--json]
  pnpm oidc:client revoke <client_id>`;

class UsageError extends Error {}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      "redirect-uri": { type: "string", multiple: true },
      "post-logout-redirect-uri": { type: "string", multiple: true },
      public: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  if (command !== "add" && command !== "list" && command !== "revoke") throw new UsageError(USAGE);
  const env = loadEnv();
  const store = await openStore(env.databaseUrl);
  try {
    const auth = createAuth({ store, options: { secret: env.authSecret, dataDir: env.dataDir, publicUrl: env.publicUrl } });
    const issuer = new URL(env.publicUrl).origin;
    if (command === "add") {
      if (!values.name || !values["redirect-uri"]?.length) throw new UsageError(USAGE);
      const { client, secret } = await auth.oidc.registerClient(
        {
          name: values.name,
          redirectUris: values["redirect-uri"],
          postLogoutRedirectUris: values["post-logout-redirect-uri"] ?? [],
          public: values.public === true,
        },
        { via: "cli" },
      );
      if (values.json) {
        console.log(JSON.stringify({ issuer, clientId: client.id, clientSecret: secret, redirectUris: client.redirectUris, kind: client.kind }));
        return;
      }
      console.log(`registered "${client.name}" (${client.kind})`);
      console.log(`  issuer:        ${issuer}`);
      console.log(`  discovery:     ${issuer}/.well-known/openid-configuration`);
      console.log(`  client_id:     ${client.id}`);
      if (secret) console.log(`  client_secret: ${secret}\n  (shown once: it is kept only as a hash and cannot be shown again)`);
      else console.log("  public client: no secret; it must use PKCE (S256)");
      return;
    }
    if (command === "list") {
      const clients = await auth.oidc.listClients();
      if (values.json) {
        console.log(JSON.stringify(clients));
        return;
      }
      if (!clients.length) console.log("no applications registered");
      for (const c of clients) {
        const state = c.revokedAt ? `revoked ${new Date(c.revokedAt).toISOString()}` : "active";
        console.log(`${c.id}  ${c.name}  ${c.kind}  ${state}  created ${new Date(c.createdAt).toISOString()}\n  redirect: ${c.redirectUris.join(" ")}`);
      }
      return;
    }
    const id = positionals[0];
    if (!id) throw new UsageError(USAGE);
    await auth.oidc.revokeClient(id, { via: "cli" });
    console.log(`revoked ${id}: its tokens stop working now`);
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  const message =
    err instanceof EnvError || err instanceof UsageError
      ? err.message
      : isAuthError(err)
        ? err.code === "NOT_FOUND"
          ? `no active application ${process.argv[4] ?? ""}`
          : err.message
        : err instanceof Error
          ? err.message
          : String(err);
  console.error(message);
  process.exit(1);
});
