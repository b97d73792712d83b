/**
 * One signed POST of a webhook transport (SMS, events): JSON `body` with `headers`, given up
 * after `timeoutMs`; any answer but a 2xx is a failure. The errors name `what` and say only
 * what happened, never the body, which is not ours to log.
 */
export async function postJson(what: string, url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error;
    throw new Error(e.name === "TimeoutError" ? `${what} timed out after ${timeoutMs} ms` : `${what} unreachable: ${e.message}`);
  }
  // Drain the body so the connection can be reused; its content is not ours to log.
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`${what} answered ${res.status}`);
}
