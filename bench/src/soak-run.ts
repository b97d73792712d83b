/** The soak (`--soak`): minutes of steady mixed load on one service, sampling its memory and event loop. */
import { setTimeout as sleep } from "node:timers/promises";
import type { Ceiling } from "./ceiling-phase";
import { load } from "./load";
import { args, CORES, log } from "./run-context";
import { seededDatabase } from "./seeded-databases";
import { startService } from "./servers";
import { accounts, codeRequest, me, passwordLogin } from "./workloads";

interface SoakSample {
  t: number;
  rss: number;
  anon: number;
  heapUsed: number;
  /** Event-loop delay p99 over the 5 s before the sample, ms. */
  loopP99: number;
}

export async function soakRun(ceiling: Ceiling) {
  const { db: dbFile } = await seededDatabase(`soak-${args.users}`, args.users);
  const service = await startService("soak", dbFile);
  try {
    const list = await accounts(service.url, args.users, 200);
    // A steady load well inside what the machine serves, so the figures show memory, not queueing.
    const rates = { tokenChecks: 200 * CORES, logins: Math.max(1, Math.round(ceiling.perSec / 8)), codes: 5 * CORES };
    log(`soak: ${args.soakSeconds} s at ${rates.tokenChecks} token checks/s, ${rates.logins} password logins/s, ${rates.codes} code requests/s`);
    const samples: SoakSample[] = [];
    const t0 = Date.now();
    await service.probe();
    const sampler = setInterval(() => {
      void (async () => {
        const mem = service.memory();
        const probe = await service.probe();
        if (mem && probe) {
          samples.push({ t: (Date.now() - t0) / 1000, rss: mem.rss, anon: mem.anon, heapUsed: probe.memory.heapUsed, loopP99: probe.loopDelayMs.p99 });
        }
      })();
    }, 5_000);
    const [checks, logins, codes] = await Promise.all([
      load({ url: service.url, connections: 16, seconds: args.soakSeconds, overallRate: rates.tokenChecks, next: me("/api/trpc/user.me", list) }),
      load({ url: service.url, connections: 8, seconds: args.soakSeconds, overallRate: rates.logins, next: passwordLogin(args.users) }),
      load({ url: service.url, connections: 4, seconds: args.soakSeconds, overallRate: rates.codes, next: codeRequest("/api/v1/authentication") }),
    ]);
    clearInterval(sampler);
    await sleep(200);
    const mem = service.memory();
    const peakRss = Math.max(mem?.peak ?? 0, service.maxRss);
    return { rates, checks, logins, codes, samples, peakRss };
  } finally {
    await service.stop();
  }
}
