/**
 * pnpm --filter @authsvc/bench instructions -- [--route user.me|code-request|code-verify] [--rate-limit-rows N] [--requests N] [--rounds N] [--keep] <checkout> [<checkout> ...]
 *
 * CPU instructions per request of the production server, counted by valgrind's callgrind,
 * for two or more checkouts (this repository and, say, a worktree of an older commit), each
 * on a fresh 1,000-user SQLite file seeded by its own seed script. Instructions, unlike
 * requests/s or CPU seconds, do not move with what else the machine is doing, so a few
 * percent between two versions can be told apart on a shared machine. Counting is on only
 * for the measured requests (after a warm-up), and covers every thread of the server.
 * Each checkout must be built (`pnpm build`): its apps/web/dist/server.mjs is what runs.
 * The main thread's count is the steadier: the other threads' (V8 compiling in the background,
 * concurrent garbage collection) depend on timing. `--keep` keeps the callgrind files (one per
 * thread) for callgrind_annotate.
 *
 * `code-verify` is family 000's code sign-in (PUT /api/v1/authentication/{id}/), each with a
 * code of its own asked for before counting starts (read from the dev outbox). The
 * rate-limit table holds `--rate-limit-rows` ended-but-kept windows before the server starts
 * (default 1,000), as a day of SMS traffic leaves it, so a figure does not depend on how
 * much ran before it and a read that grows with the table shows as a difference between two
 * sizes (e.g. 1,000 and 100,000).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { load, type RequestSpec } from "./load";
import { cleanEnv, freePort } from "./procs";
import { SEED_PASSWORD, seedEmail } from "./seed";

const USERS = 1000;
const SIGNED_IN = 8;
const CONNECTIONS = 8;

const ROUTES = ["user.me", "code-request", "code-verify"] as const;

interface Args {
  route: (typeof ROUTES)[number];
  rateLimitRows: number;
  requests: number;
  rounds: number;
  keep: boolean;
  checkouts: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { route: "user.me", rateLimitRows: 1000, requests: 3000, rounds: 2, keep: false, checkouts: [] };
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

// valgrind names its control pipes after $HOST, which the server's own HOST setting changes:
// callgrind_control must be told the same.
const HOST = "127.0.0.1";
const control = (pid: number, ...command: string[]) =>
  execFileSync("callgrind_control", [...command, String(pid)], { env: { ...process.env, HOST }, stdio: "ignore" });

let phones = 0;
/** Every code request goes to a number not used before: a first send, no cooldown. */
const nextPhone = () => `+62813${String(++phones).padStart(8, "0")}`;

/** `rows` rate-limit windows as a day of other traffic leaves them: ended, kept until the purge. */
function seedRateLimits(db: string, rows: number) {
  const sqlite = new Database(db);
  try {
    const insert = sqlite.prepare("INSERT INTO rate_limits (key, count, window_start) VALUES (?, 1, ?)");
    const start = Date.now() - 2 * 3600_000;
    sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`code-send-h:login:+62819${String(i).padStart(8, "0")}:ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:`, start);
    })();
  } finally {
    sqlite.close();
  }
}

/** `n` family 000 accounts, each with a live code asked for and read back from the dev outbox. */
async function codesToVerify(url: string, n: number): Promise<{ id: string; phone: string; code: string }[]> {
  const out: { id: string; phone: string; code: string }[] = [];
  for (let i = 0; i < n; i++) {
    const phone = nextPhone();
    const created = (await (await fetch(`${url}/api/v1/authentication`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ mobile_number: phone }) })).json()) as {
      payload: { data: { id: string }[] };
    };
    const outbox = (await (await fetch(`${url}/api/dev/outbox?to=${encodeURIComponent(phone)}`)).json()) as { messages: { code: string | null }[] };
    const code = outbox.messages[0]?.code;
    if (!code) throw new Error(`no code for ${phone} in the dev outbox`);
    out.push({ id: created.payload.data[0]!.id, phone, code });
  }
  return out;
}

interface Count {
  /** The main thread's instructions per request: the event loop, where the service's own code runs. */
  main: number;
  /** Every thread's: V8's background compiling and garbage collection and libuv's pool too. */
  all: number;
}

async function instructionsPerRequest(checkout: string, work: string, args: Args, tag: string): Promise<Count> {
  const db = path.join(work, `${tag}.db`);
  const seeded = spawnSync("pnpm", ["--filter", "@authsvc/bench", "seed", "--", "--db", db, "--users", String(USERS)], { cwd: checkout, encoding: "utf8" });
  if (seeded.status !== 0) throw new Error(`seeding in ${checkout} failed: ${seeded.stderr}`);
  seedRateLimits(db, args.rateLimitRows);
  const port = await freePort();
  const out = path.join(work, `${tag}.callgrind`);
  const child = spawn(
    "valgrind",
    ["--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes", `--callgrind-out-file=${out}`, process.execPath, "--max-semi-space-size=4", path.join(checkout, "apps/web/dist/server.mjs")],
    {
      cwd: checkout,
      stdio: "ignore",
      env: cleanEnv({
        PORT: String(port),
        HOST,
        DATABASE_URL: `file:${db}`,
        AUTH_SECRET: "instructions-".repeat(4),
        AUTH_DEV_OUTBOX: "1",
        // As in the bench: all the load comes from one address, and every code request texts a new number.
        AUTH_RATE_LIMIT_SCALE: "1000000",
        AUTH_SMS_NEW_NUMBERS_PER_HOUR: "100000000",
        NODE_ENV: "production",
        LOG_LEVEL: "warn",
      }),
    },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const url = `http://${HOST}:${port}`;
    for (let ready = false; !ready; ) {
      if (child.exitCode !== null) throw new Error(`the server in ${checkout} exited while starting`);
      ready = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
      if (!ready) await sleep(500);
    }
    const tokens: string[] = [];
    for (let i = 1; i <= SIGNED_IN; i++) {
      const res = await fetch(`${url}/api/trpc/auth.loginWithPassword`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ identifier: seedEmail((i * USERS) / SIGNED_IN), password: SEED_PASSWORD }),
      });
      const body = (await res.json()) as { result?: { data?: { accessToken: string } } };
      if (!body.result?.data) throw new Error(`login in ${checkout} failed: ${res.status}`);
      tokens.push(body.result.data.accessToken);
    }
    const specs = async (): Promise<(i: number) => RequestSpec> => {
      if (args.route === "user.me") return (i) => ({ method: "GET", path: "/api/trpc/user.me", headers: { authorization: `Bearer ${tokens[i % tokens.length]}` } });
      if (args.route === "code-request") return () => ({ method: "POST", path: "/api/v1/authentication", body: JSON.stringify({ mobile_number: nextPhone() }) });
      const logins = await codesToVerify(url, args.requests);
      return (i) => ({ method: "PUT", path: `/api/v1/authentication/${logins[i]!.id}/`, body: JSON.stringify({ mobile_number: logins[i]!.phone, otp_code: logins[i]!.code, role: "customer" }) });
    };
    const warm = await load({ url, connections: CONNECTIONS, amount: args.requests, next: await specs() });
    const next = await specs();
    control(child.pid!, "--instr=on");
    const measured = await load({ url, connections: CONNECTIONS, amount: args.requests, next });
    control(child.pid!, "--instr=off");
    control(child.pid!, "--dump");
    for (const r of [warm, measured]) if (r.non2xx || r.errors) throw new Error(`${checkout}: ${r.non2xx} non-2xx, ${r.errors} errors`);
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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (spawnSync("valgrind", ["--version"]).status !== 0) {
    console.error("instructions: needs valgrind (Debian: apt-get install valgrind)");
    process.exit(1);
  }
  const work = mkdtempSync(path.join(tmpdir(), "authsvc-instructions-"));
  try {
    const counts: Count[][] = args.checkouts.map(() => []);
    for (let round = 0; round < args.rounds; round++) {
      for (const [i, checkout] of args.checkouts.entries()) {
        const n = await instructionsPerRequest(checkout, work, args, `r${round}-c${i}`);
        counts[i]!.push(n);
        console.log(`round ${round + 1}, ${checkout}: ${Math.round(n.main)} instructions per ${args.route} request on the main thread, ${Math.round(n.all)} on all`);
      }
    }
    const mean = (list: Count[], key: keyof Count) => list.reduce((s, x) => s + x[key], 0) / list.length;
    console.log(`\n${args.route}, ${args.rateLimitRows} rate-limit rows, ${args.requests} requests measured per run, ${args.rounds} run(s) per checkout:`);
    for (const [i, checkout] of args.checkouts.entries()) {
      const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: checkout, encoding: "utf8" }).stdout.trim();
      const [main, all] = (["main", "all"] as const).map((key) => {
        const m = mean(counts[i]!, key);
        return `${Math.round(m)} (${(m / mean(counts[0]!, key)).toFixed(3)} of the first)`;
      });
      console.log(`  ${checkout} (${commit || "no git"}): main thread ${main}, all threads ${all} instructions/request`);
    }
  } finally {
    if (args.keep) console.log(`callgrind files kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
