import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

/** Where the Chromium for the browser suite came from. */
export type ChromiumSource = "CHROMIUM_PATH" | "system" | "playwright";

export interface FoundChromium {
  path: string;
  source: ChromiumSource;
}

/** What the search may look at, so that it can be tested without the machine's own browsers. */
export interface ChromiumProbe {
  env: Record<string, string | undefined>;
  isExecutable(file: string): boolean;
  /** Where Playwright keeps its own Chromium build, installed or not. */
  playwrightChromium(): string;
}

/** Names distributions give Chromium and Chrome, in the order they are tried on PATH. */
const SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/**
 * The Chromium to run the browser suite with: CHROMIUM_PATH when set, else the system's
 * (/usr/bin/chromium, then the usual names on PATH), else Playwright's own build when it has
 * been installed. Undefined when there is none. A CHROMIUM_PATH that is not an executable is
 * a mistake to report, not a reason to quietly run another browser.
 */
export function findChromium(probe: ChromiumProbe): FoundChromium | undefined {
  const fromEnv = probe.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!probe.isExecutable(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which is not an executable file`);
    return { path: fromEnv, source: "CHROMIUM_PATH" };
  }
  const dirs = (probe.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  const candidates = ["/usr/bin/chromium", ...SYSTEM_NAMES.flatMap((name) => dirs.map((dir) => path.join(dir, name)))];
  const system = candidates.find((file) => probe.isExecutable(file));
  if (system) return { path: system, source: "system" };
  const own = probe.playwrightChromium();
  return probe.isExecutable(own) ? { path: own, source: "playwright" } : undefined;
}

/** What one run of Playwright's installer came to. */
export type InstallAttempt = { ok: true } | { ok: false; reason: string };

/** The search's result: a Chromium, or none and why the automatic install did not give one. */
export type ChromiumSearch = { found: FoundChromium } | { found: undefined; why: string };

/**
 * The search, then (when it finds nothing) one attempt to install Playwright's Chromium, which
 * works where downloads do, then the search again whatever the installer said: a browser it
 * did download before failing on something else (another download, the host's libraries) is
 * used, so no run downloads a browser and then skips the suite.
 */
export function findOrInstallChromium(probe: ChromiumProbe, install: () => InstallAttempt): ChromiumSearch {
  const before = findChromium(probe);
  if (before) return { found: before };
  const attempt = install();
  const after = findChromium(probe);
  if (after) return { found: after };
  return {
    found: undefined,
    why: attempt.ok
      ? `\`playwright install chromium\` finished but left no Chromium at ${probe.playwrightChromium()}`
      : `\`playwright install chromium\` failed: ${attempt.reason}`,
  };
}

/**
 * Why the installer failed, in one line, from its output: its last error line that is not a
 * stack frame or a dumped error's field (`Error: Download failure, code=1`), with the first
 * error when that one differs, as it names the cause (`Error: getaddrinfo ENOTFOUND cdn.playwright.dev`).
 */
export function installerReason(output: string, status: number | null, signal: string | null): string {
  const lines = output
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "")
    .split(/\r\n|\r|\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "" && !/^\s/.test(l) && !/^[{}]$/.test(l.trim()));
  // Its final words go to stdout and the errors on the way to stderr, so the last line is the
  // last that reads as a failure, wherever it was printed.
  const last = lines.findLast((l) => /error|fail/i.test(l)) ?? lines.at(-1);
  const firstError = lines.find((l) => /^\w*Error\b/.test(l));
  const exit = signal ? `stopped by ${signal}` : `exit ${status}`;
  if (!last) return `${exit}, no output`;
  return firstError && firstError !== last ? `${last} (${firstError})` : last;
}

/**
 * Runs `playwright install chromium` (`cli`: Playwright's CLI script) once. Where downloads
 * are blocked its output is a stack trace: kept, for the one line that says why.
 */
export function installPlaywrightChromium(cli: string, timeoutMs = 10 * 60_000): InstallAttempt {
  const run = spawnSync(process.execPath, [cli, "install", "chromium"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs });
  if (run.status === 0) return { ok: true };
  const reason = installerReason(`${run.stderr ?? ""}\n${run.stdout ?? ""}`, run.status, run.signal);
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT") {
    return { ok: false, reason: `no end after ${Math.round(timeoutMs / 60_000)} minutes; its last line: ${reason}` };
  }
  return { ok: false, reason: run.error ? run.error.message : reason };
}

const isCI = (env: Record<string, string | undefined>) => !!env.CI && env.CI !== "false" && env.CI !== "0";

/** What to run, from the repo root, to get a Chromium for the suite. */
export const INSTALL_HOW =
  "install it with `apt-get install chromium` or, from the repo root, `pnpm --filter @authsvc/web exec playwright install chromium`, or set CHROMIUM_PATH";

/**
 * What to say and how to exit when no Chromium can be had (`why`: what became of the
 * automatic install): a local run carries on without the browser suite, CI fails (a skipped
 * suite there would pass unnoticed).
 */
export function withoutChromium(env: Record<string, string | undefined>, why?: string): { line: string; exitCode: number } {
  const what = `no Chromium found${why ? ` (${why.replace(/\s+/g, " ")})` : ""}; ${INSTALL_HOW}`;
  return isCI(env) ? { line: `browser tests cannot run on CI: ${what}`, exitCode: 1 } : { line: `browser tests skipped: ${what}`, exitCode: 0 };
}

/** The probe of this machine. */
export function machineProbe(env: Record<string, string | undefined> = process.env): ChromiumProbe {
  return {
    env,
    isExecutable(file) {
      try {
        accessSync(file, constants.X_OK);
        return statSync(file).isFile();
      } catch {
        return false;
      }
    },
    playwrightChromium: () => chromium.executablePath(),
  };
}
