/** The command line of `pnpm bench`: its flags, their defaults, and `--help`. */
import { postgresUrlArg } from "./databases";

export interface Args {
  soak: boolean;
  soakSeconds: number;
  seconds: number;
  warmup: number;
  build: boolean;
  users: number;
  million: number;
  keep: boolean;
  /** Extra flags for the service's node, to try a setting the start command does not have. */
  nodeFlags: string[];
  /** A PostgreSQL server (any database on it) to run on instead of SQLite files. */
  databaseUrl?: string;
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { soak: false, soakSeconds: 300, seconds: 10, warmup: 2, build: true, users: 1_000, million: 1_000_000, keep: false, nodeFlags: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${flag} needs a number`);
      return v;
    };
    if (flag === "--") continue;
    else if (flag === "--soak") a.soak = true;
    else if (flag === "--soak-seconds") a.soakSeconds = value();
    else if (flag === "--seconds") a.seconds = value();
    else if (flag === "--quick") Object.assign(a, { seconds: 3, warmup: 1, million: 100_000 });
    else if (flag === "--no-build") a.build = false;
    else if (flag === "--million") a.million = value();
    else if (flag === "--no-million") a.million = 0;
    else if (flag === "--keep") a.keep = true;
    else if (flag === "--node-flags") a.nodeFlags = (argv[++i] ?? "").split(/\s+/).filter(Boolean);
    else if (flag === "--database-url") a.databaseUrl = postgresUrlArg(argv[++i]);
    else if (flag === "--help" || flag === "-h") {
      console.log(
        'pnpm bench [--soak [--soak-seconds 300]] [--seconds 10] [--quick] [--no-build] [--million 1000000 | --no-million] [--keep] [--node-flags "--max-semi-space-size=4"] [--database-url postgres://postgres@127.0.0.1:5432/postgres]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${flag} (try --help)`);
  }
  return a;
}
