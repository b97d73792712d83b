/**
 * One connection, many async callers: while a transaction is open on it, the callers of the
 * level it was opened from wait here instead of running their statements inside it. First
 * come, first served, so a queued transaction is not overtaken by later single statements.
 */
export class Gate {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  /** Nobody holds it: a statement may run at once, without a turn of the event loop. */
  get free(): boolean {
    return !this.held;
  }

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Hands the gate to the next waiter (it stays held), or frees it. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}
