/** Starting, watching and stopping the servers under test. Loopback only. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Memory {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size since start (VmHWM), bytes. */
  peak: number;
  /** Anonymous memory (heap, stacks, buffers): what a leak would grow, bytes. */
  anon: number;
  /** File-backed resident pages (code, mapped files), bytes. */
  file: number;
}

/** From /proc/<pid>/status; undefined when the process is gone (or not on Linux). */
export function memoryOf(pid: number): Memory | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? "0") * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM"), anon: kb("RssAnon"), file: kb("RssFile") };
}

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat; all its threads. */
export function cpuSecondsOf(pid: number, file = `/proc/${pid}/stat`): number | undefined {
  try {
    const stat = readFileSync(file, "utf8");
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100;

/** CPU seconds of the main thread (the event loop) and of all the others (hashing, GC, libuv's pool). */
export function threadCpuSecondsOf(pid: number): { loop: number; other: number } | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const out = { loop: 0, other: 0 };
  for (const tid of tasks) {
    const cpu = cpuSecondsOf(Number(tid), `/proc/${pid}/task/${tid}/stat`);
    if (cpu === undefined) continue; // the thread ended meanwhile
    if (tid === String(pid)) out.loop += cpu;
    else out.other += cpu;
  }
  return out;
}

export interface Probe {
  seq: number;
  at: number;
  loopDelayMs: { p50: number; p99: number; max: number; mean: number; samples: number };
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
}

export class Server {
  readonly url: string;
  private probeSeq = 0;
  private sampler: NodeJS.Timeout;
  /** Highest VmRSS seen by the 250 ms sampler (VmHWM is the kernel's exact figure). */
  maxRss = 0;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
    readonly probeFile?: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.sampler = setInterval(() => {
      const m = this.memory();
      if (m && m.rss > this.maxRss) this.maxRss = m.rss;
    }, 250);
    this.sampler.unref();
  }

  get pid(): number {
    return this.child.pid!;
  }

  memory(): Memory | undefined {
    return memoryOf(this.pid);
  }

  cpuSeconds(): number {
    return cpuSecondsOf(this.pid) ?? Number.NaN;
  }

  threadCpuSeconds(): { loop: number; other: number } {
    return threadCpuSecondsOf(this.pid) ?? { loop: Number.NaN, other: Number.NaN };
  }

  /** Event-loop delay and memory since the previous call, from the preloaded probe. */
  async probe(): Promise<Probe | undefined> {
    if (!this.probeFile) return undefined;
    const want = ++this.probeSeq;
    this.child.kill("SIGUSR2");
    for (let i = 0; i < 100; i++) {
      if (existsSync(this.probeFile)) {
        const lines = readFileSync(this.probeFile, "utf8").trim().split("\n");
        const last = JSON.parse(lines[lines.length - 1]!) as Probe;
        if (last.seq === want) return last;
      }
      await sleep(20);
    }
    throw new Error(`${this.name}: no answer from the event-loop probe`);
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Spawns `node args...` with its output in `logFile`; resolves once `readyPath` answers 200. */
export async function startServer(o: {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  port: number;
  logFile: string;
  readyPath: string;
  /** Ready at the first answer of any status below 500 (a server without a health route). */
  anyAnswer?: boolean;
  probeFile?: string;
}): Promise<Server> {
  const out = openSync(o.logFile, "a");
  const child = spawn(process.execPath, o.args, { cwd: o.cwd, env: o.env, stdio: ["ignore", out, out] });
  const server = new Server(o.name, child, o.port, o.logFile, o.probeFile);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${o.name} exited while starting; its log: ${o.logFile}\n${tail(o.logFile)}`);
    try {
      const res = await fetch(server.url + o.readyPath);
      if (res.status === 200 || (o.anyAnswer && res.status < 500)) return server;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await server.stop();
  throw new Error(`${o.name} did not answer ${o.readyPath} within 90 s; its log: ${o.logFile}\n${tail(o.logFile)}`);
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** The variables the service reads; the bench sets its own and clears the rest, so a shell's settings never leak in. */
const SERVICE_VARIABLES = [
  "PORT",
  "HOST",
  "DATABASE_URL",
  "DATABASE_POOL_SIZE",
  "AUTH_SECRET",
  "AUTH_DEV_OUTBOX",
  "AUTH_DEFAULT_COUNTRY",
  "AUTH_SMS_COUNTRIES",
  "AUTH_SMS_NEW_NUMBERS_PER_HOUR",
  "TRUST_PROXY",
  "PUBLIC_URL",
  "AUTH_RP_ID",
  "AUTH_RP_ORIGINS",
  "FIREBASE_SERVICE_ACCOUNT",
  "SMTP_URL",
  "MAIL_FROM",
  "SMS_WEBHOOK_URL",
  "SMS_WEBHOOK_SECRET",
  "LOG_LEVEL",
  "NODE_ENV",
  "AUTH_RATE_LIMIT_SCALE",
  "AUTH_AUDIT_RETENTION_DAYS",
  "UV_THREADPOOL_SIZE",
  "NODE_OPTIONS",
];

export function cleanEnv(set: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of SERVICE_VARIABLES) delete env[k];
  return { ...env, ...set };
}

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");

/** The bench's AUTH_RATE_LIMIT_SCALE: every limit times a million, so none is hit from 127.0.0.1. */
const RATE_LIMIT_SCALE = "1000000";
/** More new numbers an hour than any run sends (by default the service texts 500 an hour). */
const SMS_NEW_NUMBERS_PER_HOUR = "100000000";

/** The service's environment for a run whose load all comes from 127.0.0.1, codes read from the dev outbox. */
export function serviceEnv(o: { port: number; databaseUrl: string; secret: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    PORT: String(o.port),
    HOST: "127.0.0.1",
    DATABASE_URL: o.databaseUrl,
    AUTH_SECRET: o.secret,
    AUTH_DEV_OUTBOX: "1",
    AUTH_RATE_LIMIT_SCALE: RATE_LIMIT_SCALE,
    // The budget of new numbers texted an hour is a count, not a rate limit the scale raises:
    // every code request here texts a new number.
    AUTH_SMS_NEW_NUMBERS_PER_HOUR: SMS_NEW_NUMBERS_PER_HOUR,
    NODE_ENV: "production",
    ...extra,
  });
}

/** node's arguments for the by-hand baseline of an engine, run by tsx from bench/ (its working folder). */
export const baselineArgs = (engine: "sqlite" | "postgres") => ["--import", "tsx", path.join(repoRoot, "bench/src", engine === "postgres" ? "baseline-pg.ts" : "baseline-server.ts")];
export const baselineCwd = path.join(repoRoot, "bench");

/** The baseline reads token checks' sessions from the service's database and writes its code routes to a scratch one. */
export const baselineEnv = (o: { port: number; serviceDb: string; scratchDb: string; secret: string; serviceOrigin?: string }): NodeJS.ProcessEnv =>
  cleanEnv({
    PORT: String(o.port),
    SERVICE_DB: o.serviceDb,
    SCRATCH_DB: o.scratchDb,
    AUTH_SECRET: o.secret,
    // The service's passkey origin (its default relying party, localhost on its port), for the baseline's passkey sign-in.
    ...(o.serviceOrigin ? { SERVICE_ORIGIN: o.serviceOrigin } : {}),
  });
