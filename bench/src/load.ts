/**
 * autocannon, with latencies recorded by the bench at microsecond precision (autocannon's
 * own histogram keeps whole milliseconds, too coarse to compare 2 ms with 2.4 ms).
 */
import type { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";

export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "PATCH";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  url: string;
  /** Makes the i-th request (i counts from 0 across all connections). */
  next: (i: number) => RequestSpec;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  seconds?: number;
  /** Exactly this many requests, then stop. */
  amount?: number;
  /** Requests per second over all connections (a steady load instead of as fast as possible). */
  overallRate?: number;
}

export interface LoadResult {
  /** Successful (2xx) responses per second over the run. */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  /** Latency of 2xx responses, milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statusCodes: Record<string, number>;
}

/** A growable list of latencies; percentiles by sorting once at the end. */
class Latencies {
  private data = new Float64Array(1 << 16);
  private n = 0;
  add(ms: number) {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }
  summary() {
    const sorted = this.data.slice(0, this.n).sort();
    const at = (q: number) => (this.n === 0 ? Number.NaN : sorted[Math.min(this.n - 1, Math.floor(q * this.n))]!);
    const round = (v: number) => Math.round(v * 100) / 100;
    return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(this.n ? sorted[this.n - 1]! : Number.NaN) };
  }
}

export function load(o: LoadOptions): Promise<LoadResult> {
  let i = 0;
  const latencies = new Latencies();
  // autocannon ends an `amount` run at its next 1 s sample, so its own duration rounds up:
  // time the run from its start to its last response instead.
  let first = performance.now();
  let last = first;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.seconds ?? 10 }),
        ...(o.overallRate ? { overallRate: o.overallRate } : {}),
        timeout: 30,
        requests: [
          {
            setupRequest: (req: autocannon.Request): autocannon.Request => {
              const spec = o.next(i++);
              return {
                ...req,
                method: spec.method,
                path: spec.path,
                headers: { ...(spec.body ? { "content-type": "application/json" } : {}), ...spec.headers },
                body: spec.body,
              };
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number((stat as { count: number }).count);
        const ok = Object.entries(statusCodes)
          .filter(([code]) => code.startsWith("2"))
          .reduce((a, [, n]) => a + n, 0);
        const seconds = Math.max(1e-3, (last - first) / 1000);
        resolve({
          rps: Math.round((ok / seconds) * 10) / 10,
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          seconds: Math.round(seconds * 100) / 100,
          ...latencies.summary(),
          statusCodes,
        });
      },
    );
    const events = instance as unknown as EventEmitter;
    events.on("start", () => {
      first = last = performance.now();
    });
    // The instance re-emits every client's response, the client first (autocannon 8's run.js).
    events.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      last = performance.now();
      if (status >= 200 && status < 300) latencies.add(ms);
    });
  });
}
