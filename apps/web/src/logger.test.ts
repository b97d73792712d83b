import { tmpdir } from "node:os";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EnvError, loadEnv } from "./env";
import { accessLog, applyLogLevel, createAccessLog, createLogger, isoTimeEachSecond, logger, requestContext } from "./logger";

function sink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe("isoTimeEachSecond", () => {
  it("writes what Date#toISOString writes, across second, minute and day boundaries", () => {
    vi.useFakeTimers();
    const time = isoTimeEachSecond();
    for (const at of [
      Date.UTC(2026, 10, 21, 16, 31, 24, 0),
      Date.UTC(2026, 10, 21, 16, 31, 24, 7),
      Date.UTC(2026, 10, 21, 16, 31, 24, 999),
      Date.UTC(2026, 10, 21, 16, 31, 25, 40),
      Date.UTC(2026, 10, 21, 23, 59, 59, 999),
      Date.UTC(2026, 10, 22, 0, 0, 0, 1),
      Date.UTC(2026, 10, 21, 16, 31, 24, 500), // the clock stepped back
    ]) {
      vi.setSystemTime(at);
      expect(time()).toBe(`,"time":"${new Date(at).toISOString()}"`);
    }
  });
});

describe("loggers", () => {
  it("the main logger adds the request id from the context and redacts secrets", () => {
    const { lines, stream } = sink();
    const log = createLogger("info", stream);
    requestContext.run({ requestId: "req-1" }, () => log.info({ password: "hunter22", user: 7 }, "login"));
    expect(lines[0]).toMatchObject({ level: "info", requestId: "req-1", password: "[redacted]", user: 7, msg: "login" });
    expect(typeof lines[0]!.time).toBe("string");
  });

  it("the access log writes the same format with the fields it is given", () => {
    const { lines, stream } = sink();
    createAccessLog("info", stream).info({ requestId: "req-2", method: "GET", path: "/api/trpc/user.me", status: 200, ms: 3 }, "request");
    expect(lines[0]).toMatchObject({ level: "info", requestId: "req-2", method: "GET", path: "/api/trpc/user.me", status: 200, ms: 3, msg: "request" });
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time);
  });
});

describe("the server's loggers", () => {
  afterEach(() => applyLogLevel("info"));

  it("take their level from the validated settings", () => {
    applyLogLevel("warn");
    for (const log of [logger, accessLog]) {
      expect(log.isLevelEnabled("info")).toBe(false);
      expect(log.isLevelEnabled("warn")).toBe(true);
    }
    applyLogLevel("debug");
    expect(logger.isLevelEnabled("debug")).toBe(true);
  });

  it("a bad LOG_LEVEL is the settings' clear error at start, not a crash while the logger loads", async () => {
    vi.stubEnv("LOG_LEVEL", "loud");
    vi.resetModules();
    await expect(import("./logger")).resolves.toHaveProperty("logger");
    let problems: string[] = [];
    try {
      loadEnv({ AUTH_SECRET: "s".repeat(32), LOG_LEVEL: "loud" }, tmpdir());
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      problems = (err as EnvError).problems;
    }
    expect(problems).toEqual(['LOG_LEVEL must be debug, info, warn or error (got "loud")']);
  });
});
