import { AsyncSlot } from "@authsvc/store/async-context";
import { translateError } from "./conflict";
import { Gate } from "./gate";

/**
 * One level of work on the connection: the root (no transaction) or one transaction or
 * savepoint. Its repositories run their statements through `run`, which waits while a
 * transaction opened from this level holds the connection.
 */
/** The scopes of the transactions the running code is inside, innermost last. */
export const openScopes = new AsyncSlot<readonly Scope[]>("sqlite open scopes");

export class Scope {
  readonly gate = new Gate();
  private open = true;

  /** `opener`: the scope the transaction was opened from (none for the root). */
  constructor(
    readonly depth: number,
    readonly opener?: Scope,
  ) {}

  run<T>(statement: () => T): Promise<T> {
    if (!this.open) return Promise.reject(new Error("this transaction has ended: use the store it was opened from"));
    if (this.gate.free) {
      try {
        return Promise.resolve(statement());
      } catch (err) {
        return Promise.reject(translateError(err));
      }
    }
    // Inside a transaction opened from this scope, waiting for it to end would never end.
    if (openScopes.getStore()?.some((s) => s.opener === this)) {
      return Promise.reject(new Error("a transaction's body used the store it was opened from: use the store it was given"));
    }
    return this.gate.acquire().then(() => {
      try {
        return statement();
      } catch (err) {
        throw translateError(err);
      } finally {
        this.gate.release();
      }
    });
  }

  end(): void {
    this.open = false;
  }
}
