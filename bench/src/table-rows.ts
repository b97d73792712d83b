/** The rows of the printed table, each figure beside its baseline, and whether each target holds. */
import type { Ceiling } from "./ceiling-phase";
import type { mainRun } from "./main-run";
import { MB, r2 } from "./numbers";
import type { Phase } from "./phases";
import type { Row } from "./report";
import { args, CORES } from "./run-context";
import type { scaleRun } from "./scale-run";
import type { soakRun } from "./soak-run";

export function mainRows(m: Awaited<ReturnType<typeof mainRun>>, scale: Awaited<ReturnType<typeof scaleRun>> | undefined) {
  const ceiling = m.ceiling;
  const rows: Row[] = [];
  const verdicts: boolean[] = [];
  const add = (row: Row) => {
    rows.push(row);
    if (row.holds !== undefined) verdicts.push(row.holds);
  };
  const vs = (figure: string, svc: Phase, base: Phase, target?: number) => {
    const ratio = svc.rps / base.rps;
    add({ figure: `${figure}: requests/s`, value: svc.rps, baseline: base.rps, ratio: r2(ratio), ...(target ? { target: `≥ ${target}`, holds: ratio >= target } : {}) });
    add({ figure: `${figure}: p50 ms`, value: svc.p50, baseline: base.p50, ratio: r2(svc.p50 / base.p50) });
    add({ figure: `${figure}: p99 ms`, value: svc.p99, baseline: base.p99, ratio: r2(svc.p99 / base.p99) });
  };
  vs("Token check, tRPC user.me (baseline: bare node:http, jose + 1 lookup)", m.svcMe, m.baseMe, 0.5);
  vs("Token check, REST GET /3p/token (baseline: same + RS256 sign)", m.svcRest, m.baseRest, 0.5);
  for (const [alg, p] of Object.entries(m.tokenAlgs)) {
    if (p) vs(`Token check, ${alg}, tRPC user.me (baseline: bare node:http, node:crypto verify with the same key + 1 lookup)`, p.svc, p.base, 0.5);
  }

  const login = (figure: string, p: Phase) => {
    const ratio = p.rps / ceiling.perSec;
    add({ figure: `${figure}: logins/s (baseline: argon2id ceiling)`, value: p.rps, baseline: r2(ceiling.perSec), ratio: r2(ratio), target: "≥ 0.85", holds: ratio >= 0.85 });
    add({ figure: `${figure}: p50 / p99 ms`, value: `${p.p50} / ${p.p99}` });
    const el = p.eventLoop?.p99 ?? Number.NaN;
    add({ figure: `${figure}: event-loop delay p99 ms`, value: el, target: "< 20", holds: el < 20 });
    // Where a login's CPU goes, against what one verification costs a core in the ceiling.
    const perVerification = (CORES * 1000) / ceiling.perSec;
    const ms = (us: number | undefined) => r2((us ?? Number.NaN) / 1000);
    add({
      figure: `${figure}: CPU ms per login, other threads (hashing, GC) + event loop (baseline: one verification in the ceiling)`,
      value: `${ms(p.otherCpuUsPerRequest)} + ${ms(p.loopCpuUsPerRequest)}`,
      baseline: r2(perVerification),
      ratio: r2(((p.otherCpuUsPerRequest ?? Number.NaN) + (p.loopCpuUsPerRequest ?? Number.NaN)) / 1000 / perVerification),
    });
  };
  login("Password login", m.password);
  login("PIN login", m.pin);
  const mixRatio = m.mixed.check.p99 / m.svcMe.p99;
  add({
    figure: "Token check p99 ms while logins saturate hashing (baseline: alone)",
    value: m.mixed.check.p99,
    baseline: m.svcMe.p99,
    ratio: r2(mixRatio),
  });
  add({ figure: "  …logins/s meanwhile; event-loop delay p99 ms", value: `${m.mixed.login.rps}; ${m.mixed.login.eventLoop?.p99 ?? "?"}` });

  const code = (figure: string, svc: Phase, base: Phase | Ceiling, baseName: string) => {
    const baseRps = "rps" in base ? base.rps : r2(base.perSec);
    add({ figure: `${figure}: requests/s (baseline: ${baseName})`, value: svc.rps, baseline: baseRps, ratio: r2(svc.rps / baseRps) });
    add({ figure: `${figure}: p99 ms`, value: svc.p99, baseline: "p99" in base ? base.p99 : "", ratio: "p99" in base ? r2(svc.p99 / base.p99) : "" });
  };
  if (m.passkeys) vs("Passkey sign-in, tRPC (baseline: by hand, the same WebAuthn library)", m.passkeys.svc, m.passkeys.base, 0.5);
  if (m.totp) vs("TOTP second step, tRPC (baseline: by hand, the same TOTP library)", m.totp.svc, m.totp.base, 0.5);
  code("Code request, family 000", m.svcCodeReq, m.baseCodeReq, "by hand");
  code("Code verify, family 000", m.svcVerify, m.baseVerify, "by hand");
  code("Code request, family 003 register (hashes)", m.register, ceiling, "argon2id ceiling");
  code("Code verify, family 003", m.svcRegVerify, m.baseRegVerify, "by hand");

  if (scale) {
    const { small, big } = scale;
    const n = big.users.toLocaleString("en");
    const row = (figure: string, at: Phase, base: Phase, latencyTarget: boolean) => {
      const p50 = at.p50 / base.p50;
      const p99 = at.p99 / base.p99;
      add({ figure: `${figure} at ${n} users: requests/s (baseline: ${small.users.toLocaleString("en")} users; means of alternated runs)`, value: at.rps, baseline: base.rps, ratio: r2(at.rps / base.rps) });
      add({ figure: `${figure} at ${n} users: p50 ms`, value: at.p50, baseline: base.p50, ratio: r2(p50), ...(latencyTarget ? { target: "≤ 1.10", holds: p50 <= 1.1 } : {}) });
      add({ figure: `${figure} at ${n} users: p99 ms`, value: at.p99, baseline: base.p99, ratio: r2(p99), ...(latencyTarget ? { target: "≤ 1.10", holds: p99 <= 1.1 } : {}) });
    };
    row("Token check, user.me", big.me, small.me, true);
    row("Token check, /3p/token", big.rest, small.rest, true);
    row("Password login", big.password, small.password, true);
    row("PIN login", big.pin, small.pin, true);
    add({ figure: `Seeding ${n} users, seconds`, value: r2(big.seedSeconds) });
  }
  const peak = (users: number, bytes: number) =>
    add({ figure: `Peak RSS of the server, ${users.toLocaleString("en")} users run, MB`, value: MB(bytes), target: "< 300", holds: MB(bytes) < 300 });
  peak(args.users, m.peakRss);
  if (scale) peak(scale.big.users, scale.big.peakRss);
  return { rows, verdicts };
}

export function soakRows(s: Awaited<ReturnType<typeof soakRun>>) {
  const rows: Row[] = [];
  const verdicts: boolean[] = [];
  const minute = (from: number, to: number) => s.samples.filter((x) => x.t >= from && x.t < to);
  const end = args.soakSeconds;
  const first = minute(60, 120);
  const last = minute(end - 60, end + 1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const floor = (xs: number[]) => (xs.length ? Math.min(...xs) : Number.NaN);
  const rssA = mean(first.map((x) => x.rss));
  const rssB = mean(last.map((x) => x.rss));
  const heapA = floor(first.map((x) => x.heapUsed));
  const heapB = floor(last.map((x) => x.heapUsed));
  const rssGrowth = (rssB - rssA) / rssA;
  rows.push({ figure: `Steady load: token checks/s, logins/s, code requests/s`, value: `${s.checks.rps}, ${s.logins.rps}, ${s.codes.rps}` });
  rows.push({ figure: "Token check p50 / p99 ms; login p50 / p99 ms", value: `${s.checks.p50} / ${s.checks.p99}; ${s.logins.p50} / ${s.logins.p99}` });
  const loops = s.samples.map((x) => x.loopP99).sort((a, b) => a - b);
  rows.push({ figure: "Event-loop delay p99 ms, median / worst of the 5 s windows", value: `${loops[Math.floor(loops.length / 2)] ?? "?"} / ${loops.at(-1) ?? "?"}` });
  rows.push({ figure: "RSS MB, mean of minute 2 → mean of the last minute", value: `${MB(rssA)} → ${MB(rssB)}`, ratio: r2(rssB / rssA), target: "≤ 1.05", holds: rssGrowth <= 0.05 });
  rows.push({ figure: "JS heap used MB, lowest of minute 2 → lowest of the last minute", value: `${MB(heapA)} → ${MB(heapB)}`, ratio: r2(heapB / heapA), target: "≤ 1.10", holds: heapB / heapA <= 1.1 });
  rows.push({ figure: "Peak RSS MB", value: MB(s.peakRss), target: "< 300", holds: MB(s.peakRss) < 300 });
  for (const h of rows) if (h.holds !== undefined) verdicts.push(h.holds);
  return { rows, verdicts };
}
