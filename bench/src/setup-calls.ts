/**
 * The calls the bench's set-up makes to the service and the baseline (accounts, factors,
 * ceremonies, tickets), with fetch: never part of a measured load, which autocannon sends.
 */
import { json } from "./workloads";

/** A tRPC answer (`{result: {data}}` or `{error: {data}}`), or a bare answer as the baseline gives it. */
export type Answer = { result?: { data?: Record<string, unknown> }; error?: { data?: Record<string, unknown> } } & Record<string, unknown>;

/** POSTs `body` as JSON: the status and the parsed answer, whatever the status. */
export async function call(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; answer: Answer; text: string }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: json(body ?? {}) });
  const text = await res.text();
  return { status: res.status, answer: JSON.parse(text) as Answer, text };
}

/** POSTs `body` as JSON; anything but 200 is an error of the set-up. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const r = await call(url, body, headers);
  if (r.status !== 200) throw new Error(`${url}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.answer;
}

export const dataOf = (a: Answer) => (a.result?.data ?? a) as Record<string, unknown>;

/** The newest code the service's dev outbox holds for `to` (an email or a phone number). */
export async function outboxCode(serviceUrl: string, to: string): Promise<string> {
  const res = await fetch(`${serviceUrl}/api/dev/outbox?to=${encodeURIComponent(to)}`);
  const { messages } = (await res.json()) as { messages: { code: string | null }[] };
  // Newest first; a notice (a factor added, say) carries no code.
  const code = messages.find((m) => m.code)?.code;
  if (!code) throw new Error(`no code in the outbox for ${to}`);
  return code;
}

/** Runs `work(i)` for i in [0, count) on a few workers at once: set-up is many small round trips. */
export async function inParallel(count: number, workers: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, count) }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}
