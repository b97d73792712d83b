/** One JSON object per line, so log shippers can parse it without a library. */
type Level = "info" | "warn" | "error";

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

function write(level: Level, obj: object, msg?: string): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...obj }, errorsAsObjects);
  (level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
}

// JSON.stringify turns an Error into {}; keep what an operator needs to act on it.
function errorsAsObjects(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

export const logger: Logger = {
  info: (obj, msg) => write("info", obj, msg),
  warn: (obj, msg) => write("warn", obj, msg),
  error: (obj, msg) => write("error", obj, msg),
};
