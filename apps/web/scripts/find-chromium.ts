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

/**
 * The search, then (when it finds nothing) one attempt to install Playwright's Chromium, which
 * works where downloads do, then the search again.
 */
export function findOrInstallChromium(probe: ChromiumProbe, install: () => boolean): FoundChromium | undefined {
  return findChromium(probe) ?? (install() ? findChromium(probe) : undefined);
}

const isCI = (env: Record<string, string | undefined>) => !!env.CI && env.CI !== "false" && env.CI !== "0";

/**
 * What to say and how to exit when no Chromium can be had: a local run carries on without the
 * browser suite, CI fails (a skipped suite there would pass unnoticed).
 */
export function withoutChromium(env: Record<string, string | undefined>): { line: string; exitCode: number } {
  const how = "install it with `apt-get install chromium` or `pnpm exec playwright install chromium`, or set CHROMIUM_PATH";
  return isCI(env)
    ? { line: `browser tests cannot run on CI: no Chromium found; ${how}`, exitCode: 1 }
    : { line: `browser tests skipped: no Chromium found; ${how}`, exitCode: 0 };
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
