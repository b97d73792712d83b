import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "@authsvc/testing/ports";

export interface Ran {
  code: number | null;
  /** stdout and stderr, in the order they came. */
  output: string;
  stdout: string;
}

/** Runs a command to its end; never throws, so a test can assert on a failure's output. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => ((stdout += chunk.toString()), (output += chunk.toString())));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output, stdout }));
  });
}

/**
 * The environment for npm in a project outside the workspace: without the `npm_*` variables
 * pnpm sets for its scripts (its user agent, its own settings), which npm would take as its
 * own; the user's npm settings (registry, cache, proxy) still come from their .npmrc.
 */
export function outsideEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(?:npm|pnpm)_/i.test(key)));
}

export { freePort };

export interface Service {
  base: string;
  stop(): Promise<void>;
}

/**
 * The built production server (as `pnpm start` runs it) on a fresh SQLite file in `dir`, with
 * the dev outbox on its default (codes shown to this machine). The variables that would change
 * what runs are dropped from the environment, as the web app's e2e tests do.
 */
export async function startService(serverFile: string, dir: string): Promise<Service> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: `file:${dir}/auth.db` };
  for (const key of ["AUTH_SECRET", "DATABASE_POOL_SIZE", "FIREBASE_SERVICE_ACCOUNT", "AUTH_DEV_OUTBOX", "PUBLIC_URL", "AUTH_RP_ID", "AUTH_RP_ORIGINS", "TRUST_PROXY", "SMTP_URL", "SMS_WEBHOOK_URL", "VITEST"]) {
    delete env[key];
  }
  const child = spawn(process.execPath, [serverFile], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = () => stopChild(child, exited);
  try {
    await waitForHealth(base, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, stop };
}

async function waitForHealth(base: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${base}/api/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server was not healthy within a minute:\n${log()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 12_000);
  await exited;
  clearTimeout(timer);
}
