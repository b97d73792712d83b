import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { type ChromiumProbe, findChromium, findOrInstallChromium, type InstallAttempt, installerReason, withoutChromium } from "./find-chromium";

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
    const install = vi.fn((): InstallAttempt => ({ ok: true }));
    expect(findOrInstallChromium(machine({}, ["/usr/bin/chromium"]), install).found?.source).toBe("system");
    expect(install).not.toHaveBeenCalled();
  });

  it("installs Playwright's Chromium when there is none, and uses it", () => {
    const executables: string[] = [];
    const install = vi.fn((): InstallAttempt => {
      executables.push(PLAYWRIGHT_OWN);
      return { ok: true };
    });
    expect(findOrInstallChromium(machine({}, executables), install)).toEqual({ found: { path: PLAYWRIGHT_OWN, source: "playwright" } });
    expect(install).toHaveBeenCalledTimes(1);
  });

  it("uses a Chromium the installer downloaded before it failed on something else, rather than skipping", () => {
    const executables: string[] = [];
    const install = vi.fn((): InstallAttempt => {
      executables.push(PLAYWRIGHT_OWN);
      return { ok: false, reason: "Error: Failed to download FFMPEG playwright build v1011" };
    });
    expect(findOrInstallChromium(machine({}, executables), install)).toEqual({ found: { path: PLAYWRIGHT_OWN, source: "playwright" } });
  });

  it("says why when the install fails and left nothing", () => {
    const install = vi.fn((): InstallAttempt => ({ ok: false, reason: "Error: getaddrinfo ENOTFOUND cdn.playwright.dev" }));
    expect(findOrInstallChromium(machine({}, []), install)).toEqual({
      found: undefined,
      why: "`playwright install chromium` failed: Error: getaddrinfo ENOTFOUND cdn.playwright.dev",
    });
    expect(install).toHaveBeenCalledTimes(1);
  });

  it("says so when the install succeeded but left no Chromium where Playwright looks", () => {
    expect(findOrInstallChromium(machine({}, []), () => ({ ok: true }))).toEqual({
      found: undefined,
      why: `\`playwright install chromium\` finished but left no Chromium at ${PLAYWRIGHT_OWN}`,
    });
  });
});

describe("installerReason", () => {
  // What `playwright install chromium` printed where downloads are blocked (abridged: it tries three times).
  const blocked = [
    "Downloading Chrome for Testing 159.0.8154.6 (playwright chromium v1255)\u001b[2m from https://cdn.playwright.dev/builds/cft/159.0.8154.6/linux64/chrome-linux64.zip\u001b[22m",
    "Error: getaddrinfo ENOTFOUND cdn.playwright.dev",
    "    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:internal/dns/promises:99:17) {",
    "  errno: -3008,",
    "  code: 'ENOTFOUND',",
    "  syscall: 'getaddrinfo',",
    "  hostname: 'cdn.playwright.dev'",
    "}",
    "Failed to install browsers",
    "Error: Failed to download Chrome for Testing 159.0.8154.6 (playwright chromium v1255), caused by",
    "Error: Download failure, code=1",
    "    at ChildProcess.<anonymous> (/repo/node_modules/.pnpm/playwright-core@1.65.1/node_modules/playwright-core/lib/coreBundle.js:34127:32)",
    "    at ChildProcess.emit (node:events:524:28)",
    "",
  ].join("\n");

  it("is the installer's last line that is not a stack frame, with the first error, which names the cause", () => {
    expect(installerReason(blocked, 1, null)).toBe("Error: Download failure, code=1 (Error: getaddrinfo ENOTFOUND cdn.playwright.dev)");
  });

  it("reads the same from stdout and stderr printed one after the other", () => {
    const stdout = "Downloading Chrome for Testing\nFailed to install browsers\nError: Download failure, code=1\n    at ChildProcess.emit (node:events:524:28)\n";
    const stderr = "Error: getaddrinfo ENOTFOUND cdn.playwright.dev\n    at GetAddrInfoReqWrap.onlookupall (node:internal/dns/promises:99:17) {\n  errno: -3008\n}\n";
    expect(installerReason(`${stderr}\n${stdout}`, 1, null)).toBe("Error: Download failure, code=1 (Error: getaddrinfo ENOTFOUND cdn.playwright.dev)");
    // Where the failure went to stderr after progress on stdout.
    expect(installerReason("Error: EACCES: permission denied, mkdir '/root/.cache/ms-playwright'\nDownloading Chrome for Testing 10%\n", 1, null)).toBe(
      "Error: EACCES: permission denied, mkdir '/root/.cache/ms-playwright'",
    );
  });

  it("is the last line alone when it is the only error, and the exit when there was no output", () => {
    expect(installerReason("Downloading...\r 10%\r 20%\nError: EACCES: permission denied, mkdir '/root/.cache/ms-playwright'\n", 1, null)).toBe(
      "Error: EACCES: permission denied, mkdir '/root/.cache/ms-playwright'",
    );
    expect(installerReason("", 1, null)).toBe("exit 1, no output");
    expect(installerReason("\n", null, "SIGKILL")).toBe("stopped by SIGKILL, no output");
  });
});

describe("withoutChromium", () => {
  it("skips the browser suite locally with one line saying what to install, by a command that works from the repo root", () => {
    expect(withoutChromium({})).toEqual({
      line: "browser tests skipped: no Chromium found; install it with `apt-get install chromium` or, from the repo root, `pnpm --filter @authsvc/web exec playwright install chromium`, or set CHROMIUM_PATH",
      exitCode: 0,
    });
    expect(withoutChromium({ CI: "false" }).exitCode).toBe(0);
    // The filter names this package, which has Playwright: `pnpm exec playwright` at the root finds no playwright.
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; devDependencies: Record<string, string> };
    expect(withoutChromium({}).line).toContain(`pnpm --filter ${pkg.name} exec playwright install chromium`);
    expect(pkg.devDependencies["@playwright/test"]).toBeDefined();
  });

  it("says why the automatic install failed, on the same line", () => {
    const { line, exitCode } = withoutChromium({}, "`playwright install chromium` failed: Error: Download failure, code=1\n(Error: getaddrinfo ENOTFOUND cdn.playwright.dev)");
    expect(exitCode).toBe(0);
    expect(line).toBe(
      "browser tests skipped: no Chromium found (`playwright install chromium` failed: Error: Download failure, code=1 (Error: getaddrinfo ENOTFOUND cdn.playwright.dev)); install it with `apt-get install chromium` or, from the repo root, `pnpm --filter @authsvc/web exec playwright install chromium`, or set CHROMIUM_PATH",
    );
  });

  it("fails on CI, where a skipped suite would pass unnoticed", () => {
    const ci = withoutChromium({ CI: "true" }, "`playwright install chromium` failed: Error: Download failure, code=1");
    expect(ci.exitCode).toBe(1);
    expect(ci.line).toMatch(/^browser tests cannot run on CI: no Chromium found \(`playwright install chromium` failed: .*\); install it with `apt-get install chromium`/);
    expect(ci.line).not.toContain("\n");
  });
});
