/**
 * A phase: one load on one server, warmed up, then measured (requests/s, latencies, CPU per
 * request, memory, event-loop delay). Every phase measured is kept in `phases` for the JSON.
 */
import { load, type LoadResult, type RequestSpec } from "./load";
import { MB } from "./numbers";
import type { Probe, Server } from "./procs";
import { args, log, LOGIN_CONNECTIONS } from "./run-context";
import { me, passwordLogin, type Account } from "./workloads";

export interface Phase extends LoadResult {
  name: string;
  target: string;
  connections: number;
  eventLoop?: Probe["loopDelayMs"];
  /** Server CPU time (all threads) per request, microseconds: steadier than requests/s on a busy machine. */
  cpuUsPerRequest: number;
  /** The same, split: the main thread (event loop) and every other thread (hashing, GC, libuv's pool). */
  loopCpuUsPerRequest?: number;
  otherCpuUsPerRequest?: number;
  /** The server's RSS after the phase and its peak so far, MB. */
  rssMB: number;
  peakRssMB: number;
  /** V8's heap at the end of the phase (from the probe), MB. */
  heapTotalMB?: number;
  heapUsedMB?: number;
}

export const phases: Phase[] = [];

function check(name: string, r: LoadResult) {
  if (r.non2xx || r.errors) {
    log(`  ! ${name}: ${r.non2xx} non-2xx, ${r.errors} errors (status codes ${JSON.stringify(r.statusCodes)})`);
  }
}

/** Warm-up (not recorded), then the measured run; event-loop delay from the server's probe. */
export async function phase(
  name: string,
  server: Server,
  next: (i: number) => RequestSpec,
  o: { connections: number; seconds?: number; amount?: number; warmAmount?: number; offset?: number; warm?: boolean },
): Promise<Phase> {
  let offset = o.offset ?? 0;
  if (o.warm === false) {
    // Warmed by the same phase just before.
  } else if (o.warmAmount !== undefined) {
    if (o.warmAmount > 0) {
      const base = offset;
      await load({ url: server.url, connections: Math.min(o.connections, o.warmAmount), amount: o.warmAmount, next: (i) => next(base + i) });
      offset += o.warmAmount;
    }
  } else if (args.warmup > 0) {
    await load({ url: server.url, connections: o.connections, seconds: args.warmup, next });
  }
  await server.probe();
  const base = offset;
  const cpu0 = server.cpuSeconds();
  const threads0 = server.threadCpuSeconds();
  const r = await load({
    url: server.url,
    connections: o.connections,
    ...(o.amount !== undefined ? { amount: o.amount } : { seconds: o.seconds ?? args.seconds }),
    next: (i) => next(base + i),
  });
  const answered = Math.max(1, r.ok + r.non2xx);
  const cpuUsPerRequest = Math.round(((server.cpuSeconds() - cpu0) * 1e6) / answered);
  const threads1 = server.threadCpuSeconds();
  const loopCpuUsPerRequest = Math.round(((threads1.loop - threads0.loop) * 1e6) / answered);
  const otherCpuUsPerRequest = Math.round(((threads1.other - threads0.other) * 1e6) / answered);
  const probe = await server.probe();
  check(name, r);
  const p: Phase = {
    name,
    target: server.name,
    connections: o.connections,
    ...r,
    ...(probe ? { eventLoop: probe.loopDelayMs } : {}),
    cpuUsPerRequest,
    ...(Number.isFinite(loopCpuUsPerRequest) ? { loopCpuUsPerRequest, otherCpuUsPerRequest } : {}),
    ...memoryMB(server),
    ...(probe ? { heapTotalMB: MB(probe.memory.heapTotal), heapUsedMB: MB(probe.memory.heapUsed) } : {}),
  };
  phases.push(p);
  const el = probe ? `, event-loop p99 ${probe.loopDelayMs.p99} ms` : "";
  log(`  ${server.name} ${name}: ${r.rps}/s, p50 ${r.p50} ms, p99 ${r.p99} ms${el}, ${cpuUsPerRequest} µs CPU/request (event loop ${loopCpuUsPerRequest}, other threads ${otherCpuUsPerRequest}), RSS ${p.rssMB} MB (peak ${p.peakRssMB}, JS heap ${p.heapTotalMB ?? "?"})`);
  return p;
}

function memoryMB(server: Server) {
  const m = server.memory();
  return { rssMB: MB(m?.rss ?? 0), peakRssMB: MB(Math.max(m?.peak ?? 0, server.maxRss)) };
}

/** Token checks while password logins saturate hashing: does a check wait behind a hash? */
export async function mixedPhase(service: Server, list: Account[], users: number): Promise<{ check: Phase; login: Phase }> {
  await service.probe();
  const [check, login] = await Promise.all([
    load({ url: service.url, connections: LOGIN_CONNECTIONS, seconds: args.seconds, next: me("/api/trpc/user.me", list) }),
    load({ url: service.url, connections: LOGIN_CONNECTIONS, seconds: args.seconds, next: passwordLogin(users) }),
  ]);
  const probe = await service.probe();
  const extra = { target: service.name, ...(probe ? { eventLoop: probe.loopDelayMs } : {}), cpuUsPerRequest: Number.NaN, ...memoryMB(service) };
  const a: Phase = { name: "token check (user.me) during password logins", connections: LOGIN_CONNECTIONS, ...check, ...extra };
  const b: Phase = { name: "password login during token checks", connections: LOGIN_CONNECTIONS, ...login, ...extra };
  if (check.non2xx) log(`  ! mixed token check: ${check.non2xx} non-2xx`);
  phases.push(a, b);
  log(
    `  ${service.name} user.me during logins: ${check.rps}/s, p99 ${check.p99} ms; logins ${login.rps}/s${probe ? `, event-loop p99 ${probe.loopDelayMs.p99} ms` : ""}, RSS ${a.rssMB} MB (peak ${a.peakRssMB})`,
  );
  return { check: a, login: b };
}
