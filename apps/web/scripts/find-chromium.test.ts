import { describe, expect, it, vi } from "vitest";
import { type ChromiumProbe, findChromium, findOrInstallChromium, withoutChromium } from "./find-chromium";

const PLAYWRIGHT_OWN = "/root/.cache/ms-playwright/chromium-1/chrome-linux64/chrome";

/** A machine whose only executables are `executables`. */
function machine(env: Record<string, string | undefined>, executables: string[]): ChromiumProbe {
  return { env, isExecutable: (file) => executables.includes(file), playwrightChromium: () => PLAYWRIGHT_OWN };
}

describe("findChromium", () => {
  it("takes CHROMIUM_PATH first, over a system and a Playwright Chromium", () => {
    const probe = machine({ CHROMIUM_PATH: "/opt/chrome/chrome", PATH: "/usr/bin" }, ["/opt/chrome/chrome", "/usr/bin/chromium", PLAYWRIGHT_OWN]);
    expect(findChromium(probe)).toEqual({ path: "/opt/chrome/chrome", source: "CHROMIUM_PATH" });
  });

  it("refuses a CHROMIUM_PATH that is not an executable rather than running another browser", () => {
    const probe = machine({ CHROMIUM_PATH: "/opt/nothing/chrome", PATH: "/usr/bin" }, ["/usr/bin/chromium"]);
    expect(() => findChromium(probe)).toThrow("CHROMIUM_PATH is set to /opt/nothing/chrome, which is not an executable file");
  });

  it("takes /usr/bin/chromium even when it is not on PATH", () => {
    const probe = machine({ PATH: "/usr/local/bin" }, ["/usr/bin/chromium", "/usr/local/bin/google-chrome"]);
    expect(findChromium(probe)).toEqual({ path: "/usr/bin/chromium", source: "system" });
  });

  it("looks for chromium-browser, then google-chrome, on PATH", () => {
    const both = machine({ PATH: "/snap/bin:/opt/google/bin" }, ["/opt/google/bin/google-chrome", "/snap/bin/chromium-browser"]);
    expect(findChromium(both)).toEqual({ path: "/snap/bin/chromium-browser", source: "system" });
    const chrome = machine({ PATH: "/snap/bin:/opt/google/bin" }, ["/opt/google/bin/google-chrome", PLAYWRIGHT_OWN]);
    expect(findChromium(chrome)).toEqual({ path: "/opt/google/bin/google-chrome", source: "system" });
  });

  it("falls back to Playwright's own Chromium once it is installed", () => {
    expect(findChromium(machine({ PATH: "/usr/bin" }, [PLAYWRIGHT_OWN]))).toEqual({ path: PLAYWRIGHT_OWN, source: "playwright" });
  });

  it("finds nothing on a machine without a browser, PATH unset included", () => {
    expect(findChromium(machine({ PATH: "/usr/bin:/bin" }, ["/usr/bin/node"]))).toBeUndefined();
    expect(findChromium(machine({}, []))).toBeUndefined();
  });
});

describe("findOrInstallChromium", () => {
  it("does not install when a Chromium is there", () => {
    const install = vi.fn(() => true);
    expect(findOrInstallChromium(machine({}, ["/usr/bin/chromium"]), install)?.source).toBe("system");
    expect(install).not.toHaveBeenCalled();
  });

  it("installs Playwright's Chromium when there is none, and uses it", () => {
    const executables: string[] = [];
    const install = vi.fn(() => {
      executables.push(PLAYWRIGHT_OWN);
      return true;
    });
    expect(findOrInstallChromium(machine({}, executables), install)).toEqual({ path: PLAYWRIGHT_OWN, source: "playwright" });
    expect(install).toHaveBeenCalledTimes(1);
  });

  it("finds nothing when the install fails (no downloads)", () => {
    const install = vi.fn(() => false);
    expect(findOrInstallChromium(machine({}, []), install)).toBeUndefined();
    expect(install).toHaveBeenCalledTimes(1);
  });
});

describe("withoutChromium", () => {
  it("skips the browser suite locally with one line saying what to install", () => {
    expect(withoutChromium({})).toEqual({
      line: "browser tests skipped: no Chromium found; install it with `apt-get install chromium` or `pnpm exec playwright install chromium`, or set CHROMIUM_PATH",
      exitCode: 0,
    });
    expect(withoutChromium({ CI: "false" }).exitCode).toBe(0);
  });

  it("fails on CI, where a skipped suite would pass unnoticed", () => {
    const ci = withoutChromium({ CI: "true" });
    expect(ci.exitCode).toBe(1);
    expect(ci.line).toMatch(/^browser tests cannot run on CI: no Chromium found; install it with `apt-get install chromium`/);
    expect(ci.line).not.toContain("\n");
  });
});
