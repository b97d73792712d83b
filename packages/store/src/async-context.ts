import { AsyncLocalStorage } from "node:async_hooks";

type Frame = Readonly<Record<symbol, unknown>>;

/**
 * The process's one AsyncLocalStorage. On Node 20 each instance that has ever run adds its own
 * step to the making of every promise the process makes afterwards, and a request makes
 * hundreds: so the context each layer needs (the web server's request id, the SQLite store's
 * open transactions) lives in slots of this one, not in an instance of its own.
 */
const frames = new AsyncLocalStorage<Frame>();

/** One value carried along an async context, as an AsyncLocalStorage would carry it alone. */
export class AsyncSlot<T> {
  private readonly key: symbol;

  constructor(name: string) {
    this.key = Symbol(name);
  }

  /** Runs `fn` with this slot set to `value`; the other slots keep what the caller's context had. */
  run<R>(value: T, fn: () => R): R {
    return frames.run({ ...frames.getStore(), [this.key]: value }, fn);
  }

  /** The value of the innermost `run` the running code is inside, if any. */
  getStore(): T | undefined {
    return frames.getStore()?.[this.key] as T | undefined;
  }
}
