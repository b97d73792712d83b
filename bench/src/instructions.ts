/**
 * pnpm --filter @authsvc/bench instructions -- [--route user.me|code-request|code-verify|verify-003] [--rate-limit-rows N] [--requests N] [--rounds N] [--database-url postgres://…] [--no-baseline] [--keep] <checkout> [<checkout> ...]
 *
 * CPU instructions per request of the production server, counted by valgrind's callgrind,
 * for one or more checkouts (this repository and, say, a worktree of an older commit), each
 * on a fresh 1,000-user database seeded by its own seed script, and of the by-hand baseline
 * (this worktree's bench/src/baseline-server.ts, or baseline-pg.ts on PostgreSQL) under the
 * same load: the same requests, as many of them, after the same warm-up. Instructions, unlike
 * requests/s or CPU seconds, do not move with what else the machine is doing, so a few
 * percent between two versions can be told apart on a shared machine, and the baseline's
 * count over the service's is a ratio that reads like the bench's requests/s ratios.
 * Counting is on only for the measured requests (after a warm-up), and covers every thread of
 * the node process; on PostgreSQL the database server's own work is not counted.
 * Each checkout must be built (`pnpm build`): its apps/web/dist/server.mjs is what runs.
 * The main thread's count is the steadier: the other threads' (V8 compiling in the background,
 * concurrent garbage collection) depend on timing. `--keep` keeps the callgrind files (one per
 * thread) for callgrind_annotate, and the servers' output.
 *
 * Routes: `user.me` (the token check; the baseline's GET /me), `code-request` (family 000,
 * POST /api/v1/authentication; the baseline's POST /code), `code-verify` (family 000's code
 * sign-in, PUT /api/v1/authentication/{id}; the baseline's PUT /code/{id}) and `verify-003`
 * (family 003's POST /api/v1/auth/verify; the baseline's POST /verify). For the two verifies
 * every request has a code of its own, made just before its run (the warm-up's, then the
 * measured run's), not counted: by code requests or registrations read back from the outbox
 * table, or by the baseline's set-up route.
 * The rate-limit table holds `--rate-limit-rows` ended-but-kept windows before a server starts
 * (1,000 by default, as `pnpm bench` seeds it), so a figure does not depend on how much ran
 * before it, and a read that grows with the table shows as a difference between two sizes.
 *
 * The baseline is counted once a round, after the checkouts. Its token check verifies the
 * tokens of the round's last service run against that run's database (the baseline reads
 * sessions from the service's database, as in `pnpm bench`); its code routes write a scratch
 * database of this worktree's schema.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { postgresDatabases, postgresUrlArg, sqliteDatabases, type Databases } from "./databases";
import { load, type RequestSpec } from "./load";
import { baselineArgs, baselineCwd, baselineEnv, freePort, serviceEnv } from "./procs";
import { createSchema, RATE_LIMIT_ROWS, seedRateLimits } from "./seed";
import { accounts, codeLogin, codeRequest, me, pendingRegistrations, registration, registrationVerify, type Account } from "./workloads";

const USERS = 1000;
const SIGNED_IN = 8;
const CONNECTIONS = 8;
const SECRET = "instructions-".repeat(4);

const ROUTES = ["user.me", "code-request", "code-verify", "verify-003"] as const;

interface Args {
  route: (typeof ROUTES)[number];
  rateLimitRows: number;
  requests: number;
  rounds: number;
  baseline: boolean;
  databaseUrl?: string;
  keep: boolean;
  checkouts: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { route: "user.me", rateLimitRows: RATE_LIMIT_ROWS, requests: 3000, rounds: 2, baseline: true, keep: false, checkouts: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") continue;
    if (a === "--route") {
      const route = ROUTES.find((r) => r === argv[i + 1]);
      if (!route) throw new Error(`--route is one of ${ROUTES.join(", ")}`);
      args.route = route;
      i++;
    } else if (a === "--rate-limit-rows") args.rateLimitRows = Number(argv[++i]);
    else if (a === "--requests") args.requests = Number(argv[++i]);
    else if (a === "--rounds") args.rounds = Number(argv[++i]);
    else if (a === "--database-url") args.databaseUrl = postgresUrlArg(argv[++i]);
    else if (a === "--no-baseline") args.baseline = false;
    else if (a === "--keep") args.keep = true;
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else args.checkouts.push(path.resolve(a));
  }
  if (args.checkouts.length === 0) throw new Error("name at least one checkout (a folder with a built apps/web/dist/server.mjs)");
  if (!Number.isInteger(args.requests) || args.requests < 100) throw new Error("--requests is a whole number of at least 100");
  if (!Number.isInteger(args.rounds) || args.rounds < 1) throw new Error("--rounds is a whole number of at least 1");
  if (!Number.isInteger(args.rateLimitRows) || args.rateLimitRows < 0) throw new Error("--rate-limit-rows is a whole number");
  return args;
}

const args = parseArgs(process.argv.slice(2));
const work = mkdtempSync(path.join(tmpdir(), "authsvc-instructions-"));
const databases: Databases = args.databaseUrl ? postgresDatabases(args.databaseUrl, Date.now().toString(36)) : sqliteDatabases(work);
// valgrind names its control pipes after $HOST, which the service's own HOST setting changes:
// every server runs with the same, and callgrind_control is told it.
const HOST = "127.0.0.1";
const control = (pid: number, ...command: string[]) =>
  execFileSync("callgrind_control", [...command, String(pid)], { env: { ...process.env, HOST }, stdio: "ignore" });

/** Set-up requests, not counted; any failure makes the figures after it meaningless. */
async function unmeasured(url: string, next: () => RequestSpec) {
  const r = await load({ url, connections: CONNECTIONS, amount: args.requests, next });
  if (r.non2xx || r.errors) throw new Error(`set-up at ${url}: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodes)}), ${r.errors} errors`);
}

/** The codes made by the set-up just before: the outbox's newest. */
function newest<T>(codes: T[]): T[] {
  if (codes.length < args.requests) throw new Error(`${codes.length} codes in the outbox, ${args.requests} needed`);
  return codes.slice(-args.requests);
}

/**
 * The service's requests for the route, after their set-up; called once for the warm-up and
 * once for the measured run, since codes made for both at once would expire (five minutes)
 * before the last were used: under callgrind a registration takes half a second.
 * `signedIn` receives the user.me tokens.
 */
async function serviceRequests(url: string, db: string, signedIn: Account[]): Promise<(i: number) => RequestSpec> {
  switch (args.route) {
    case "user.me":
      if (!signedIn.length) signedIn.push(...(await accounts(url, USERS, SIGNED_IN)));
      return me("/api/trpc/user.me", signedIn);
    case "code-request":
      return codeRequest("/api/v1/authentication");
    case "code-verify":
      await unmeasured(url, codeRequest("/api/v1/authentication"));
      return codeLogin((id) => `/api/v1/authentication/${id}`, newest(await databases.phoneCodes(db)));
    case "verify-003":
      await unmeasured(url, registration("i"));
      return registrationVerify("/api/v1/auth/verify", newest(await databases.registrationCodes(db)));
  }
}

/** The baseline's requests for the same route, the same way; user.me checks the tokens of a service run. */
async function baselineRequests(url: string, scratchDb: string, signedIn: Account[]): Promise<(i: number) => RequestSpec> {
  switch (args.route) {
    case "user.me":
      return me("/me", signedIn);
    case "code-request":
      return codeRequest("/code");
    case "code-verify":
      await unmeasured(url, codeRequest("/code"));
      return codeLogin((id) => `/code/${id}`, newest(await databases.phoneCodes(scratchDb)));
    case "verify-003":
      return registrationVerify("/verify", await pendingRegistrations(url, args.requests));
  }
}

interface Count {
  /** The main thread's instructions per request: the event loop, where the server's own code runs. */
  main: number;
  /** Every thread's: V8's background compiling and garbage collection and libuv's pool too. */
  all: number;
}

/** A server to count: how node runs it and what it is sent. */
interface Target {
  nodeArgs: string[];
  cwd: string;
  env: (port: number) => NodeJS.ProcessEnv;
  /** A path that answers once the server is up, and whether a status says so. */
  readyPath: string;
  ready: (status: number) => boolean;
  requests: (url: string) => Promise<(i: number) => RequestSpec>;
}

const serviceTarget = (checkout: string, db: string, signedIn: Account[]): Target => ({
  nodeArgs: ["--max-semi-space-size=4", path.join(checkout, "apps/web/dist/server.mjs")],
  cwd: checkout,
  env: (port) => serviceEnv({ port, databaseUrl: databases.serviceUrl(db), secret: SECRET }, { LOG_LEVEL: "warn" }),
  readyPath: "/api/health",
  ready: (status) => status === 200,
  requests: (url) => serviceRequests(url, db, signedIn),
});

const baselineTarget = (serviceDb: string, scratchDb: string, signedIn: Account[]): Target => ({
  nodeArgs: baselineArgs(databases.engine),
  cwd: baselineCwd,
  env: (port) => baselineEnv({ port, serviceDb, scratchDb, secret: SECRET }),
  // The baseline has no health route: any answer means it listens.
  readyPath: "/",
  ready: (status) => status < 500,
  requests: (url) => baselineRequests(url, scratchDb, signedIn),
});

/** Starts `target` under callgrind with counting off, warms it up, then counts `args.requests` requests. */
async function countInstructions(target: Target, tag: string): Promise<Count> {
  const port = await freePort();
  const out = path.join(work, `${tag}.callgrind`);
  const logFd = openSync(path.join(work, `${tag}.log`), "a");
  const child = spawn(
    "valgrind",
    ["--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes", `--callgrind-out-file=${out}`, process.execPath, ...target.nodeArgs],
    { cwd: target.cwd, stdio: ["ignore", logFd, logFd], env: { ...target.env(port), HOST } },
  );
  closeSync(logFd);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const url = `http://${HOST}:${port}`;
    for (let ready = false; !ready; ) {
      if (child.exitCode !== null) throw new Error(`${tag} exited while starting; its output: ${path.join(work, `${tag}.log`)}`);
      ready = await fetch(url + target.readyPath).then((r) => target.ready(r.status), () => false);
      if (!ready) await sleep(500);
    }
    const warm = await load({ url, connections: CONNECTIONS, amount: args.requests, next: await target.requests(url) });
    const next = await target.requests(url);
    control(child.pid!, "--instr=on");
    const measured = await load({ url, connections: CONNECTIONS, amount: args.requests, next });
    control(child.pid!, "--instr=off");
    control(child.pid!, "--dump");
    for (const r of [warm, measured]) if (r.non2xx || r.errors) throw new Error(`${tag}: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodes)}), ${r.errors} errors`);
    // One file per thread of the dump (--separate-threads): thread 1 is the event loop.
    const perThread = readdirSync(work)
      .filter((f) => f.startsWith(`${tag}.callgrind.`))
      .map((f) => ({ main: f.endsWith("-01"), count: Number(/^totals: (\d+)$/m.exec(readFileSync(path.join(work, f), "utf8"))?.[1] ?? 0) }));
    const sum = (list: { count: number }[]) => list.reduce((s, t) => s + t.count, 0) / args.requests;
    return { main: sum(perThread.filter((t) => t.main)), all: sum(perThread) };
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

/** A fresh database seeded by the checkout's own seed script (its schema), then the rate-limit rows. */
async function seededDatabase(checkout: string, tag: string): Promise<string> {
  const db = await databases.fresh(tag);
  const seeded = spawnSync("pnpm", ["--filter", "@authsvc/bench", "seed", "--", "--db", db, "--users", String(USERS)], { cwd: checkout, encoding: "utf8" });
  if (seeded.status !== 0) throw new Error(`seeding in ${checkout} failed: ${seeded.stderr}`);
  await seedRateLimits(db, args.rateLimitRows);
  return db;
}

/** The baseline's scratch database: this worktree's schema and the same rate-limit rows. */
async function scratchDatabase(tag: string): Promise<string> {
  const db = await databases.fresh(tag);
  await createSchema(db);
  await seedRateLimits(db, args.rateLimitRows);
  return db;
}

const round3 = (v: number) => v.toFixed(3);
const mean = (list: Count[], key: keyof Count) => list.reduce((s, x) => s + x[key], 0) / list.length;
const figures = (list: Count[], of: (m: number, key: keyof Count) => string = () => "") =>
  (["main", "all"] as const).map((key) => `${key === "main" ? "main thread" : "all threads"} ${Math.round(mean(list, key))}${of(mean(list, key), key)}`).join(", ");

function report(counts: Count[][], baseline: Count[]) {
  const engine = databases.engine === "postgres" ? "PostgreSQL (the node process only: the database server's own work is not counted)" : "SQLite";
  console.log(`\n${args.route}, ${args.rateLimitRows} rate-limit rows, ${engine}, ${args.requests} requests measured per run after as many unmeasured, ${args.rounds} run(s) each:`);
  for (const [i, checkout] of args.checkouts.entries()) {
    const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: checkout, encoding: "utf8" }).stdout.trim();
    console.log(`  ${checkout} (${commit || "no git"}): ${figures(counts[i]!, (m, key) => ` (${round3(m / mean(counts[0]!, key))} of the first)`)} instructions/request`);
  }
  if (!baseline.length) return;
  console.log(`  by-hand baseline (${baselineArgs(databases.engine).at(-1)}): ${figures(baseline)} instructions/request`);
  for (const [i, checkout] of args.checkouts.entries()) {
    const ratio = (key: keyof Count) => round3(mean(baseline, key) / mean(counts[i]!, key));
    console.log(`  baseline / service, ${checkout}: main thread ${ratio("main")}, all threads ${ratio("all")}`);
  }
}

async function main() {
  if (spawnSync("valgrind", ["--version"]).status !== 0) {
    console.error("instructions: needs valgrind (Debian: apt-get install valgrind)");
    process.exit(1);
  }
  const counts: Count[][] = args.checkouts.map(() => []);
  const baseline: Count[] = [];
  for (let round = 0; round < args.rounds; round++) {
    let last: { db: string; signedIn: Account[] } | undefined;
    for (const [i, checkout] of args.checkouts.entries()) {
      const tag = `r${round}-c${i}`;
      const db = await seededDatabase(checkout, tag);
      const signedIn: Account[] = [];
      const n = await countInstructions(serviceTarget(checkout, db, signedIn), tag);
      counts[i]!.push(n);
      last = { db, signedIn };
      console.log(`round ${round + 1}, ${checkout}: ${figures([n])} instructions per ${args.route} request`);
    }
    if (args.baseline && last) {
      const tag = `r${round}-baseline`;
      const n = await countInstructions(baselineTarget(last.db, await scratchDatabase(`${tag}-scratch`), last.signedIn), tag);
      baseline.push(n);
      console.log(`round ${round + 1}, by-hand baseline: ${figures([n])} instructions per ${args.route} request`);
    }
  }
  report(counts, baseline);
}

try {
  await main();
} finally {
  // The run's PostgreSQL databases go whatever happened.
  await databases.dispose();
  if (args.keep) console.log(`callgrind files and server output kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
