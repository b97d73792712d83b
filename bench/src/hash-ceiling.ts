/**
 * The hashing ceiling: argon2id verifications per second on all cores, with the service's
 * parameters and the same library (@node-rs/argon2 on libuv's pool). Run as its own process
 * with UV_THREADPOOL_SIZE set to the core count (the bench does), so nothing else competes.
 * Prints one JSON line: { perSec, concurrency, seconds, verifications }.
 *
 *   UV_THREADPOOL_SIZE=2 tsx src/hash-ceiling.ts --seconds 6 --concurrency 2
 */
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { verify } from "@node-rs/argon2";
import { hashLikeService, SEED_PASSWORD } from "./seed";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};

const seconds = arg("seconds", 6);
const concurrency = arg("concurrency", availableParallelism());
const stored = await hashLikeService(SEED_PASSWORD);
// One verification per lane first: pool threads started and memory touched before timing.
await Promise.all(Array.from({ length: concurrency }, () => verify(stored, SEED_PASSWORD)));

let done = 0;
const started = performance.now();
const until = started + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      if (!(await verify(stored, SEED_PASSWORD))) throw new Error("verification failed");
      done++;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
console.log(JSON.stringify({ perSec: done / elapsed, concurrency, seconds: elapsed, verifications: done }));
