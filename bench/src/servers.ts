/** The servers a run measures: the production build, the service as `pnpm start` runs it, and the bare baseline. */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { baselineArgs, baselineCwd, baselineEnv, freePort, repoRoot, serviceEnv, startServer, tail, type Server } from "./procs";
import { args, databases, log, secret, work } from "./run-context";

export function build() {
  const logFile = path.join(work, "build.log");
  log(`building the production server (pnpm --filter @authsvc/web build; log: ${logFile})`);
  return new Promise<void>((resolve, reject) => {
    const out = createWriteStream(logFile);
    const child = spawn("pnpm", ["--filter", "@authsvc/web", "build"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`build failed (exit ${code}):\n${tail(logFile, 30)}`))));
  });
}

const serverEntry = path.join(repoRoot, "apps/web/dist/server.mjs");
/** The node flags `pnpm start` runs the service with, so the bench measures what ships. */
const startFlags = ["--max-semi-space-size=4"];
const probeModule = path.join(repoRoot, "bench/src/probe.mjs");

export async function startService(name: string, db: string, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const probeFile = path.join(work, `${name}.probe.jsonl`);
  return startServer({
    name,
    args: [...startFlags, ...args.nodeFlags, "--import", probeModule, serverEntry],
    cwd: repoRoot,
    port,
    logFile: path.join(work, `${name}.log`),
    probeFile,
    readyPath: "/api/health",
    env: serviceEnv({ port, databaseUrl: databases.serviceUrl(db), secret }, { ...env, BENCH_PROBE_FILE: probeFile }),
  });
}

export async function startBaseline(serviceDb: string, scratchDb: string, serviceOrigin?: string): Promise<Server> {
  const port = await freePort();
  return startServer({
    name: "baseline",
    args: baselineArgs(databases.engine),
    cwd: baselineCwd,
    port,
    logFile: path.join(work, "baseline.log"),
    readyPath: "/",
    anyAnswer: true,
    env: baselineEnv({ port, serviceDb, scratchDb, secret, serviceOrigin }),
  });
}
