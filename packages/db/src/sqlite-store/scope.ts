import { translateError } from "./conflict";
import { Gate } from "./gate";

/**
 * One level of work on the connection: the root (no transaction) or one transaction or
 * savepoint. Its repositories run their statements through `run`, which waits while a
 * transaction opened from this level holds the connection.
 */
export class Scope {
  readonly gate = new Gate();
  private open = true;

  constructor(readonly depth: number) {}

  run<T>(statement: () => T): Promise<T> {
    if (!this.open) return Promise.reject(new Error("this transaction has ended: use the store it was opened from"));
    if (this.gate.free) {
      try {
        return Promise.resolve(statement());
      } catch (err) {
        return Promise.reject(translateError(err));
      }
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
