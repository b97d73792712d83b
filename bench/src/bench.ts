/**
 * pnpm bench [--soak] [--seconds N] [--quick] [--no-build] [--million N] [--no-million] [--keep] [--node-flags "..."] [--database-url postgres://…]
 *
 * Builds the production server, starts it on fresh SQLite files in a temp folder, or on fresh
 * PostgreSQL databases with --database-url (its baseline then works on PostgreSQL too) (loopback,
 * a free port, AUTH_RATE_LIMIT_SCALE raised so one address may log in thousands of times),
 * drives it with autocannon and compares every figure with a baseline measured in the same
 * run: a bare node:http server doing the same work by hand, or the argon2id ceiling of this
 * machine. Prints one table and writes the figures as JSON to bench/results/.
 * See bench/README.md for what each figure means and the targets.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { ceilingPhase, ceilings } from "./ceiling-phase";
import { mainRun } from "./main-run";
import { phases } from "./phases";
import { repoRoot } from "./procs";
import { formatTable } from "./report";
import { machine, saveResults, titleOf } from "./results";
import { args, CORES, databases, log, started, work } from "./run-context";
import { scaleRun } from "./scale-run";
import { build } from "./servers";
import { soakRun } from "./soak-run";
import { mainRows, soakRows } from "./table-rows";

async function main() {
  log(`authsvc bench: ${CORES} cores, ${args.soak ? `soak ${args.soakSeconds} s` : `${args.seconds} s per phase`}; work folder ${work}`);
  if (args.build) await build();

  if (args.soak) {
    const ceiling = await ceilingPhase();
    const soak = await soakRun(ceiling);
    const { rows, verdicts } = soakRows(soak);
    console.log(formatTable(rows, { title: `authsvc soak, ${titleOf()}` }));
    const file = saveResults({ kind: "soak", date: new Date().toISOString(), machine: machine(), args, ceiling, soak, rows, verdicts });
    log(`figures written to ${path.relative(repoRoot, file)}`);
    return verdicts.every((v) => v);
  }

  const main1 = await mainRun();
  const scale = args.million > 0 ? await scaleRun(args.million) : undefined;
  const { rows, verdicts } = mainRows(main1, scale);
  console.log(formatTable(rows, { title: `authsvc bench, ${titleOf()}, ${args.seconds} s per phase` }));
  const file = saveResults({ kind: "bench", date: new Date().toISOString(), machine: machine(), args, ceilings, phases, rows, seedSeconds: { [args.users]: main1.seeded.seconds, ...(scale ? { [scale.big.users]: scale.big.seedSeconds } : {}) }, peakRss: { main: main1.peakRss, ...(scale ? { [`scale-${scale.small.users}`]: scale.small.peakRss, [`scale-${scale.big.users}`]: scale.big.peakRss } : {}) } });
  log(`figures written to ${path.relative(repoRoot, file)}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return verdicts.every((v) => v);
}

async function finish() {
  // The run's PostgreSQL databases go whatever happened; a failure to drop them is said, not thrown.
  await databases.dispose().catch((err: unknown) => log(`could not drop the run's databases: ${err instanceof Error ? err.message : String(err)}`));
}

main()
  .then(async () => {
    await finish();
    // A target that does not hold is a finding, shown in the table, not a failure of the run.
    if (!args.keep) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
    process.exit(0);
  })
  .catch(async (err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    await finish();
    log(`work folder kept for a look: ${work}`);
    process.exit(2);
  });
