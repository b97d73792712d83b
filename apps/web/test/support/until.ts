/** Polls `check` until it returns a value, or fails after the deadline saying what was awaited. */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: () => string, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
