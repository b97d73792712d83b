/** The scale figures: the same phases on a small and a large database, alternated. */
import { execFileSync } from "node:child_process";
import { ceilingPhase, type Ceiling } from "./ceiling-phase";
import { load } from "./load";
import { r2 } from "./numbers";
import { phase, type Phase } from "./phases";
import type { Server } from "./procs";
import { args, log, LOGIN_CONNECTIONS, TOKEN_CONNECTIONS } from "./run-context";
import { seededDatabase } from "./seeded-databases";
import { startService } from "./servers";
import { accounts, firebase, me, passwordLogin, pinLogin } from "./workloads";

export interface ScaleSide {
  users: number;
  seedSeconds: number;
  peakRss: number;
  me: Phase;
  rest: Phase;
  password: Phase;
  pin: Phase;
}

/**
 * Each phase four times, small, big, big, small (`rounds` times over): a drift of the
 * machine's speed across the runs weighs on both sides alike (one 10 s run on 2 cores shared
 * with the load generator moves by up to 20 %). A side's figure is the mean of its runs;
 * every run is kept in the JSON. Only a side's first run has a warm-up.
 */
async function alternated(servers: Server[], rounds: number, run: (s: Server, i: number, warm: boolean) => Promise<Phase>): Promise<Phase[]> {
  const runs: Phase[][] = servers.map(() => []);
  for (let r = 0; r < rounds; r++) for (const i of [0, 1, 1, 0]) runs[i]!.push(await run(servers[i]!, i, runs[i]!.length === 0));
  return runs.map((side) => {
    const mean = (f: (p: Phase) => number) => r2(side.reduce((sum, p) => sum + f(p), 0) / side.length);
    const total = (f: (p: Phase) => number) => side.reduce((sum, p) => sum + f(p), 0);
    return { ...side.at(-1)!, rps: mean((p) => p.rps), p50: mean((p) => p.p50), p90: mean((p) => p.p90), p99: mean((p) => p.p99), ok: total((p) => p.ok), non2xx: total((p) => p.non2xx) };
  });
}

const SETTLE_SECONDS = 5;

/** Login latency is a queue behind two hashing threads; its p99 needs more runs than a token check's to settle. */
const LOGIN_SCALE_ROUNDS = 2;

/**
 * The same token checks and logins on two fresh databases, `args.users` and `users` users,
 * both servers up at once and the phases alternated, so a drift of the machine's speed
 * between them does not pass for an effect of the table's size.
 */
export async function scaleRun(users: number): Promise<{ small: ScaleSide; big: ScaleSide; ceiling: Ceiling }> {
  const sizes = [args.users, users];
  const seeded: number[] = [];
  const dbs: string[] = [];
  for (const n of sizes) {
    log(`seeding ${n.toLocaleString("en")} users`);
    const { db, seeded: r } = await seededDatabase(`scale-${n}`, n);
    dbs.push(db);
    log(`  seeded in ${r.seconds.toFixed(1)} s`);
    try {
      execFileSync("sync", { stdio: "ignore" }); // the seeded file on disk now, not written back during the runs
    } catch {
      // no sync(1) here: the settling runs below absorb the write-back
    }
    seeded.push(r.seconds);
  }
  const servers: Server[] = [];
  try {
    for (const [i, n] of sizes.entries()) servers.push(await startService(`service-${n}-users`, dbs[i]!));
    const lists = await Promise.all(servers.map((s, i) => accounts(s.url, sizes[i]!, 200)));
    // Unrecorded: in three runs the first scale run after seeding a million rows was 10–25 %
    // slower whichever side it fell on (the machine settling after the seeding's writes).
    log(`settling: ${SETTLE_SECONDS} s of token checks on each server, not recorded`);
    for (const [i, s] of servers.entries()) await load({ url: s.url, connections: TOKEN_CONNECTIONS, seconds: SETTLE_SECONDS, next: me("/api/trpc/user.me", lists[i]!) });
    // Twice as many runs of half the length: thousands of answers a run either way, and a
    // passing slowdown of the machine is spread over more runs of both sides.
    const tokenRun = { connections: TOKEN_CONNECTIONS, seconds: args.seconds / 2 };
    const me1 = await alternated(servers, 2, (s, i, warm) => phase("token check (tRPC user.me)", s, me("/api/trpc/user.me", lists[i]!), { ...tokenRun, warm }));
    const rest = await alternated(servers, 2, (s, i, warm) => phase("REST GET /3p/token", s, firebase("/3p/token", lists[i]!), { ...tokenRun, warm }));
    const ceiling = await ceilingPhase();
    const password = await alternated(servers, LOGIN_SCALE_ROUNDS, (s, i, warm) =>
      phase("password login (tRPC)", s, passwordLogin(sizes[i]!), { connections: LOGIN_CONNECTIONS, warm }),
    );
    const pin = await alternated(servers, LOGIN_SCALE_ROUNDS, (s, i, warm) =>
      phase("PIN login (REST family 004)", s, pinLogin(sizes[i]!), { connections: LOGIN_CONNECTIONS, warm }),
    );
    const side = (i: number): ScaleSide => {
      const mem = servers[i]!.memory();
      return {
        users: sizes[i]!,
        seedSeconds: seeded[i]!,
        peakRss: Math.max(mem?.peak ?? 0, servers[i]!.maxRss),
        me: me1[i]!,
        rest: rest[i]!,
        password: password[i]!,
        pin: pin[i]!,
      };
    };
    return { small: side(0), big: side(1), ceiling };
  } finally {
    for (const s of servers) await s.stop();
  }
}
