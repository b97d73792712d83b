/**
 * The signing keys other services verify our tokens with (published at /.well-known/jwks.json):
 *
 *   pnpm keys:rotate [--activate-in <seconds>]   a new current key for every algorithm in use
 *   pnpm keys:retire                             delete replaced keys no live token can carry
 *   pnpm keys:list                               the kept keys, oldest first
 *
 * A new key is published at once and signs only after the activation delay, so every instance
 * (each reads the set every few seconds) and every verifier knows it first. The purge retires
 * keys too; `keys:retire` does it now.
 */
import { createAuth, KEY_ACTIVATION_DELAY_MS } from "@authsvc/core";
import { openStore } from "@authsvc/db";
import { EnvError, loadEnv } from "../src/env";

const USAGE = "usage: pnpm keys:rotate [--activate-in <seconds>] | pnpm keys:retire | pnpm keys:list";

/** `--activate-in` in milliseconds, or the default delay; a clear error for anything but whole seconds. */
function activationDelayMs(args: string[]): number {
  const at = args.indexOf("--activate-in");
  if (at === -1) return KEY_ACTIVATION_DELAY_MS;
  const value = args[at + 1];
  if (value === undefined || !/^\d{1,7}$/.test(value)) throw new Error(`--activate-in takes a whole number of seconds\n${USAGE}`);
  return Number(value) * 1000;
}

const when = (ms: number) => new Date(ms).toISOString();

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command !== "rotate" && command !== "retire" && command !== "list") throw new Error(USAGE);
  const delayMs = command === "rotate" ? activationDelayMs(args) : 0;
  const env = loadEnv();
  const store = await openStore(env.databaseUrl);
  try {
    const auth = createAuth({ store, options: { secret: env.authSecret, dataDir: env.dataDir, tokenAlg: env.tokenAlg } });
    if (command === "rotate") {
      for (const k of await auth.keys.rotate({ activateInMs: delayMs })) {
        console.log(`new ${k.alg} key ${k.kid}: published now, signs from ${when(k.activatesAt)}`);
      }
    } else if (command === "retire") {
      const retired = await auth.keys.retire();
      console.log(retired.length ? `retired ${retired.join(", ")}` : "no key to retire: every replaced key may still have live tokens");
    } else {
      const keys = await auth.keys.list();
      if (keys.length === 0) console.log("no keys yet: the service makes its first ones when it starts");
      for (const k of keys) console.log(`${k.kid}  ${k.alg}  made ${when(k.createdAt)}  signs from ${when(k.activatesAt)}`);
    }
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError || err instanceof Error ? err.message : String(err));
  process.exit(1);
});
