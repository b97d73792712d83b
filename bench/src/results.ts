/** What the run was (machine, engine, the table's title) and the JSON file its figures go to, in bench/results/. */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { repoRoot } from "./procs";
import { args, CORES, databases } from "./run-context";

export function machine() {
  const c = cpus();
  return {
    cores: CORES,
    cpu: c[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(totalmem() / 1073741824),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function titleOf(): string {
  const m = machine();
  const flags = args.nodeFlags.length ? `, service run with node ${args.nodeFlags.join(" ")}` : "";
  return `${new Date().toISOString().slice(0, 10)}, ${m.cores} cores (${m.cpu}), Node ${m.node}, ${engineName()}${flags}`;
}

function engineName(): string {
  if (databases.engine === "sqlite") return "SQLite";
  const u = new URL(args.databaseUrl!);
  return `PostgreSQL at ${u.host}`;
}

export function saveResults(result: object): string {
  const dir = path.join(repoRoot, "bench/results");
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace(/-\d\dZ$/, "Z");
  const file = path.join(dir, `${stamp}${databases.engine === "postgres" ? "-pg" : ""}${args.soak ? "-soak" : ""}.json`);
  writeFileSync(file, JSON.stringify({ engine: engineName(), ...result }, null, 2) + "\n");
  return file;
}
