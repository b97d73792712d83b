import { AsyncSlot } from "@authsvc/db";
import pino from "pino";
import type { Env } from "./env";

/** The request a line is logged for; set once per request by the server. */
export const requestContext = new AsyncSlot<{ requestId: string }>("request");

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * pino's `isoTime`, with the date and time formatted once a second rather than on every
 * line: in this process `Date` is Next.js's patched class, and the access line of a token
 * check paid ~5 µs for it (`pnpm bench`'s profile).
 */
export function isoTimeEachSecond(): () => string {
  let second = Number.NaN;
  let prefix = "";
  return () => {
    const now = Date.now();
    const s = Math.floor(now / 1000);
    if (s !== second) {
      second = s;
      prefix = new Date(s * 1000).toISOString().slice(0, 20); // "2026-11-21T16:31:24."
    }
    return `,"time":"${prefix}${String(now - s * 1000).padStart(3, "0")}Z"`;
  };
}

const lineFormat = () => ({
  timestamp: isoTimeEachSecond(),
  formatters: { level: (label: string) => ({ level: label }) },
});

/**
 * JSON lines (pino) with the request id on every line logged while serving a request.
 * Secrets are never passed to the logger; the redaction list is a second fence.
 */
export function createLogger(level: string = "info", destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      level,
      ...lineFormat(),
      mixin: () => {
        const ctx = requestContext.getStore();
        return ctx ? { requestId: ctx.requestId } : {};
      },
      redact: {
        paths: ["password", "pin", "code", "token", "accessToken", "secret", "*.password", "*.pin", "*.code", "*.token", "*.secret"],
        censor: "[redacted]",
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/**
 * The one line per request, in the same format. Its fields are the server's own (the path
 * without its query), so it needs neither the redaction pass nor the context lookup that
 * every other line gets: on a token check they were most of the line's cost.
 */
export function createAccessLog(level: string = "info", destination?: pino.DestinationStream): pino.Logger {
  return pino({ level, ...lineFormat() }, destination);
}

/**
 * Lines reach stdout through libuv's pool, not from the event loop: a synchronous write
 * waits whenever the file system is busy (SQLite's checkpoints make it commit its journal),
 * and `pnpm bench` measured that wait at 15% of the event loop's time during logins. Lines
 * still buffered when the process exits are written synchronously then (pino flushes on exit).
 */
const stdout = pino.destination({ dest: 1, sync: false });
/** At pino's default until the server applies the validated LOG_LEVEL (`applyLogLevel`). */
export const logger = createLogger("info", stdout);
export const accessLog = createAccessLog("info", stdout);

/** The level from the settings (env.ts validated LOG_LEVEL), for both loggers. */
export function applyLogLevel(level: Env["logLevel"]): void {
  logger.level = level;
  accessLog.level = level;
}
