import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * Vitest global setup for PostgreSQL suites (`globalSetup: ["@authsvc/pg-test-server/global-setup"]`).
 * It finds a server at TEST_DATABASE_URL; when none answers it starts a throwaway one from the
 * machine's PostgreSQL binaries; when that is impossible too, PostgreSQL suites are skipped with
 * one line saying why, except under CI=true, where a skip fails the run. Suites read the result
 * with pgTestServerUrl() from "@authsvc/pg-test-server".
 */

const defaultTestServerUrl = "postgres://postgres@127.0.0.1:5432/postgres";

/** The server tests use: TEST_DATABASE_URL, or the default the README names. */
export const testServerUrl = (): string => process.env.TEST_DATABASE_URL || defaultTestServerUrl;

declare module "vitest" {
  export interface ProvidedContext {
    /** A superuser URL of the PostgreSQL server for tests; null when PostgreSQL suites are skipped. */
    pgTestServerUrl: string | null;
  }
}

export type TestServer = { url: string; stop(): Promise<void> } | { skipped: string };

/** Resolves when `url` accepts a query; rejects with the error when it does not. */
async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => {});
  }
}

/** Errors that mean "nobody is listening there", as opposed to a server that refused us. */
function nothingListens(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  if (code === "ECONNREFUSED" || code === "ENOENT" || code === "EHOSTUNREACH") return true;
  return /timeout/i.test((error as Error).message ?? "");
}

/** The server at `url`, or else a throwaway one, or else why there is none. */
export async function findTestServer(url: string): Promise<TestServer> {
  try {
    await probe(url);
    return { url, stop: async () => {} };
  } catch (error) {
    if (!nothingListens(error)) return { skipped: `${redact(url)} answered but refused: ${(error as Error).message}` };
  }
  return startThrowawayServer(`nothing answers at ${redact(url)}`);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/** The newest version's bin folder under Debian's layout, or where initdb is on PATH. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, "bin", "initdb")) && existsSync(path.join(root, v, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], "bin");
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) return dir;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
function serverUser(): { prefix: string[]; uid: number; gid: number } | { skipped: string } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    execFileSync("runuser", ["--help"], { stdio: "ignore" });
    return { prefix: ["runuser", "-u", "postgres", "--"], uid, gid };
  } catch {
    return { skipped: "running as root and there is no postgres user to run a throwaway server as (or no runuser)" };
  }
}

async function startThrowawayServer(why: string): Promise<TestServer> {
  const bin = postgresBinDir();
  if (!bin) return { skipped: `${why}, and no PostgreSQL binaries (initdb, pg_ctl) to start one` };
  const user = serverUser();
  if (user && "skipped" in user) return { skipped: `${why}; ${user.skipped}` };

  const dir = mkdtempSync(path.join(tmpdir(), "authsvc-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, "data");
  const run = (command: string, args: string[]) => {
    const argv = [...(user?.prefix ?? []), path.join(bin, command), ...args];
    // In the temp folder: as the postgres user, the caller's folder may be out of reach.
    execFileSync(argv[0]!, argv.slice(1), { cwd: dir, stdio: "pipe", timeout: 60_000 });
  };
  try {
    run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
    const port = await freePort();
    // Durability is worthless for a server deleted after the run, and costs time on every commit.
    const settings = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    run("pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-o", settings, "-w", "-t", "30", "start"]);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      url,
      stop: async () => {
        try {
          run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim().split("\n").at(-1);
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `${why}, and a throwaway server did not start: ${stderr || (error as Error).message}` };
  }
}

interface SetupProject {
  provide(key: "pgTestServerUrl", value: string | null): void;
}

/**
 * The server for a run's PostgreSQL suites (`what` names them), found or started as above; null,
 * after one line saying why, when they are skipped; under CI=true a skip throws instead.
 */
export async function pgTestServer(what: string): Promise<{ url: string; stop(): Promise<void> } | null> {
  const found = await findTestServer(testServerUrl());
  if ("skipped" in found) {
    if (process.env.CI === "true" || process.env.CI === "1") throw new Error(`${what} cannot be skipped under CI: ${found.skipped}`);
    console.log(`${what} skipped: ${found.skipped}`);
    return null;
  }
  return found;
}

let running: { url: string; stop(): Promise<void> } | null = null;

export async function setup(project: SetupProject): Promise<void> {
  running = await pgTestServer("PostgreSQL suites");
  // For what the suites start themselves (a server under test), which cannot call inject().
  if (running) process.env.TEST_DATABASE_URL = running.url;
  project.provide("pgTestServerUrl", running?.url ?? null);
}

export async function teardown(): Promise<void> {
  await running?.stop();
  running = null;
}
