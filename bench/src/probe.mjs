// Preloaded into the server by the bench (`node --import bench/src/probe.mjs ...`), so the
// product carries no benchmark code and no extra endpoint. It watches the event loop
// (perf_hooks' histogram of timer delays, 10 ms resolution) and, on SIGUSR2, appends one JSON
// line to $BENCH_PROBE_FILE with the delay since the previous signal and the process's
// memory, then starts a new histogram. Nothing happens without BENCH_PROBE_FILE.
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  const RESOLUTION_MS = 10;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let seq = 0;
  process.on("SIGUSR2", () => {
    // The histogram holds whole intervals between samples; the delay is what exceeds RESOLUTION.
    const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
    const mem = process.memoryUsage();
    const line = {
      seq: ++seq,
      at: Date.now(),
      // Delay beyond the 10 ms sampling interval itself, in milliseconds.
      loopDelayMs: {
        p50: ms(delay.percentile(50)),
        p99: ms(delay.percentile(99)),
        max: ms(delay.max),
        mean: ms(delay.mean),
        samples: delay.count,
      },
      memory: { rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers },
    };
    appendFileSync(file, JSON.stringify(line) + "\n");
    delay.reset();
  });
}
