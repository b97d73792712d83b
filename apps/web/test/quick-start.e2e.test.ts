/**
 * The README's Quick start as a reader runs it: `pnpm start` at the root of a clone, stopped
 * the way a process manager stops it (SIGTERM to the process it started, which is pnpm) and
 * the way a terminal does (Ctrl-C: SIGINT to the whole process group). Each time the port
 * closes, no process of the tree is left running, and the database was closed cleanly.
 *
 * `pnpm start` runs here in a folder of its own holding the root package.json's start script
 * verbatim, the built server (apps/web/dist, linked), and a `turbo` that does nothing, standing
 * for the build step that finds the build already done (as the other e2e tests, this needs
 * `pnpm --filter @authsvc/web build` first). Running the real turbo here would restore the
 * build's outputs in place while the other files' servers read them. The data goes where the
 * README says: `./data/auth.db` under the folder `pnpm start` runs in. Then the README's curl
 * walkthrough, pasted into `sh` against that server.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appDir, databaseOf, freePort, requireBuild, serverEnv, waitForHealth, type Running } from "./support/server";

const repoRoot = path.resolve(appDir, "..", "..");
const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");

/** The fenced `sh` blocks of the README section under `heading` (up to the next heading). */
function shBlocksOf(markdown: string, heading: string): string[] {
  const blocks: string[] = [];
  let inSection = false;
  let block: string[] | undefined;
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) {
      fenced = !fenced;
      if (inSection && fenced && line === "```sh") block = [];
      else if (block && !fenced) {
        blocks.push(block.join("\n"));
        block = undefined;
      }
      continue;
    }
    if (fenced) {
      block?.push(line);
      continue;
    }
    if (/^#+ /.test(line)) {
      if (inSection) break;
      inSection = line.replace(/^#+ /, "").trim() === heading;
    }
  }
  if (blocks.length === 0) throw new Error(`README has no sh block under "${heading}"`);
  return blocks;
}

interface Started extends Running {
  dir: string;
  port: number;
  base: string;
  /** The database file the README promises: ./data/auth.db where `pnpm start` ran. */
  database: string;
}

const started: Started[] = [];

/** `pnpm start` as the README's Quick start runs it, in a folder of its own (see the top of the file). */
async function pnpmStart(): Promise<Started> {
  requireBuild();
  const script = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start!;
  const dir = mkdtempSync(path.join(tmpdir(), "authsvc-quick-start-"));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "authsvc-quick-start", private: true, scripts: { start: script } }));
  mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
  // The build step, already done: it only notes that it ran.
  writeFileSync(path.join(dir, "node_modules", ".bin", "turbo"), `#!/bin/sh\necho "$*" > "${path.join(dir, "turbo-ran")}"\n`, { mode: 0o755 });
  mkdirSync(path.join(dir, "apps", "web"), { recursive: true });
  symlinkSync(path.join(appDir, "dist"), path.join(dir, "apps", "web", "dist"), "dir");

  const port = await freePort();
  // Nothing but the port: no DATABASE_URL, HOST or NODE_ENV, as a reader's shell would have.
  const env = serverEnv({ PORT: String(port) });
  for (const key of Object.keys(env)) if (key === "NODE_ENV" || key === "HOST" || /^(npm|pnpm)_/i.test(key)) delete env[key];
  // Its own process group, as a shell gives a command it starts: Ctrl-C signals the whole group.
  const child = spawn("pnpm", ["start"], { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => resolve(signal ? -1 : code));
    child.once("error", (err) => {
      log += `could not run pnpm: ${err.message}\n`;
      resolve(-1);
    });
  });
  const run: Started = { child, output: () => log, exited, dir, port, base: `http://127.0.0.1:${port}`, database: path.join(dir, "data", "auth.db") };
  started.push(run);
  await waitForHealth(run.base, run);
  expect(readFileSync(path.join(dir, "turbo-ran"), "utf8")).toContain("run build --filter=@authsvc/web");
  return run;
}

/** The processes under `pid` (Linux: read from /proc; elsewhere none). */
function descendantsOf(pid: number): number[] {
  if (!existsSync("/proc/self/stat")) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}

/** True while the process runs (a zombie, finished but not yet reaped, does not count). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return existsSync("/proc/self/stat") ? false : true;
  }
}

/** True while `pid` runs the built server (Linux; elsewhere false). */
function runsServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dist/server.mjs");
  } catch {
    return false;
  }
}

/** The server's process id, as its log lines give it. */
function serverPid(output: string): number {
  const pid = /"pid":(\d+)/.exec(output)?.[1];
  expect(pid, `a log line with the server's pid:\n${output}`).toBeDefined();
  return Number(pid);
}

/** True once a TCP connection to the port is refused; connections that do open are closed at once. */
async function portClosed(port: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED"));
    });
    if (refused) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function register(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/api/trpc/auth.register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery", fullName: "Ana", username: email.split("@")[0] }),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as { result: { data: { verificationId: string } } }).result.data.verificationId;
}

/**
 * After the stop: no process of the tree runs, and the database was closed as the graceful
 * shutdown closes it: SQLite folds the write-ahead log into the file and removes it (a killed
 * process leaves `-wal` and `-shm` beside it), the file is whole, and what was answered is in it.
 */
async function expectStoppedCleanly(run: Started, tree: number[], verificationId: string, signal: string): Promise<void> {
  expect(await within(run.exited, 15_000, "pnpm's exit"), run.output()).toBe(0);
  const deadline = Date.now() + 2_000;
  while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(tree.filter(alive), `processes of the tree still running after pnpm exited:\n${run.output()}`).toEqual([]);

  const log = run.output();
  expect(log).toContain(`"signal":"${signal}","msg":"shutting down`);
  expect(log).not.toContain("second signal");
  expect(log).not.toContain("did not close cleanly");

  expect(existsSync(run.database)).toBe(true);
  expect(existsSync(`${run.database}-wal`), "the write-ahead log was left: the database was not closed").toBe(false);
  expect(existsSync(`${run.database}-shm`)).toBe(false);
  const db = databaseOf({ DATABASE_URL: `file:${run.database}` });
  expect(await db.rows("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
  expect(await db.rows("SELECT purpose FROM challenges WHERE id = ?", verificationId)).toEqual([{ purpose: "signup" }]);
}

afterEach(async () => {
  // Whatever a failed test left running (only the processes started here).
  for (const run of started.splice(0)) {
    if (run.child.pid !== undefined) {
      // The server, also when pnpm is gone and left it behind.
      const server = Number(/"pid":(\d+)/.exec(run.output())?.[1]);
      const orphan = server && runsServer(server) ? [server] : [];
      for (const pid of [run.child.pid, ...descendantsOf(run.child.pid), ...orphan]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    rmSync(run.dir, { recursive: true, force: true });
  }
});

describe("the README's Quick start", () => {
  it("starts the service with `pnpm start`", () => {
    const [block] = shBlocksOf(readme, "Quick start");
    expect(block).toMatch(/^pnpm install && pnpm start\b/m);
  });

  it("stops on SIGTERM to the pnpm process: the port closes, nothing is left running, the database is closed", async () => {
    const run = await pnpmStart();
    const verificationId = await register(run.base, "stop.term@example.com");
    const pnpmPid = run.child.pid!;
    const tree = [pnpmPid, ...descendantsOf(pnpmPid)];
    const server = serverPid(run.output());
    if (existsSync("/proc/self/stat")) expect(tree, "the server runs under pnpm").toContain(server);
    else tree.push(server);

    process.kill(pnpmPid, "SIGTERM");
    expect(await portClosed(run.port, 5_000), "the port still accepts connections 5 s after SIGTERM").toBe(true);
    await expectStoppedCleanly(run, tree, verificationId, "SIGTERM");
  });

  it("stops on Ctrl-C (SIGINT to the process group), answering the request in flight first", async () => {
    const run = await pnpmStart();
    const pnpmPid = run.child.pid!;
    const tree = [pnpmPid, ...descendantsOf(pnpmPid)];
    const server = serverPid(run.output());
    if (existsSync("/proc/self/stat")) expect(tree).toContain(server);
    else tree.push(server);

    // A sign-up whose body is still arriving when the signal comes.
    const body = JSON.stringify({ email: "stop.int@example.com", password: "correct horse battery", fullName: "Ana", username: "stopint" });
    const socket = connect({ host: "127.0.0.1", port: run.port });
    let reply = "";
    socket.on("data", (chunk: Buffer) => (reply += chunk.toString()));
    const replied = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      `POST /api/trpc/auth.register HTTP/1.1\r\nhost: 127.0.0.1:${run.port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));

    // The terminal signals every process of the group: pnpm, which forwards it, and the server.
    process.kill(-pnpmPid, "SIGINT");
    // pnpm forwards it to the server, which so gets it twice; sometimes the two arrive as one:
    // a second one a moment later makes the case certain. It is the same stop, not a second one.
    await new Promise((r) => setTimeout(r, 100));
    process.kill(server, "SIGINT");
    expect(await portClosed(run.port, 5_000), "the port still accepts connections 5 s after SIGINT").toBe(true);
    socket.write(body.slice(10)); // not end(): a client that half-closes has given up on its answer
    await within(replied, 10_000, "the answer to the request in flight");
    expect(reply, run.output()).toMatch(/^HTTP\/1\.1 200 /);
    const verificationId = (JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4)) as { result: { data: { verificationId: string } } }).result.data
      .verificationId;

    await expectStoppedCleanly(run, tree, verificationId, "SIGINT");
  });
});

describe("the README's links", () => {
  it("points at the five documents by a path a fresh clone has", () => {
    expect(readme).not.toContain("../shared");
    const dir = /the five documents in \[`([^`]+)`\]/.exec(readme)?.[1];
    expect(dir, "the README names the documents' folder").toBeDefined();
    expect(readdirSync(path.join(repoRoot, dir!)).filter((f) => /^00[0-4]_\w+\.txt$/.test(f))).toHaveLength(5);
  });

  it("links only to files and folders of the repository (or the web)", () => {
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^(https?:|mailto:|#)/.test(t));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(existsSync(path.join(repoRoot, target.split("#")[0]!)), target).toBe(true);
  });
});

describe("the README's curl walkthrough", () => {
  const curl = spawnSync("curl", ["--version"]).status === 0;
  it.runIf(curl)("runs as pasted, with sh, against the server `pnpm start` started, and ends with the new user", async () => {
    const [block] = shBlocksOf(readme, "Try it with curl");
    expect(block!.split("\n")[0], "the block says where the service is in its first line").toBe("BASE=http://localhost:3000");
    const run = await pnpmStart();
    // Only the address changes: this server's port instead of 3000.
    const script = [`BASE=${run.base}`, ...block!.split("\n").slice(1)].join("\n");
    // A reader's shell: nothing of this test's environment but where programs are.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key === "PATH" || key === "HOME")) as NodeJS.ProcessEnv;
    const pasted = spawn("sh", ["-c", script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    pasted.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    pasted.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await within(new Promise<number | null>((resolve) => pasted.once("exit", resolve)), 30_000, "the walkthrough");
    expect(stderr, run.output()).toBe("");
    expect(code).toBe(0);
    // What it ends with: the account it made, asked with the token it captured.
    const last = JSON.parse(stdout.trim().split("\n").at(-1)!) as { result?: { data?: Record<string, unknown> } };
    expect(last.result?.data).toMatchObject({ email: "ana@example.com", username: "ana", emailVerified: true });
  });
  it.skipIf(curl)("runs as pasted: skipped, there is no curl on this machine", () => {});
});
