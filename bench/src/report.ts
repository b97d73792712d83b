/** One table, as Markdown (readable in a terminal, pasteable into bench/README.md). */
export interface Row {
  figure: string;
  value: number | string;
  baseline?: number | string;
  ratio?: number | string;
  target?: string;
  holds?: boolean;
}

const cell = (v: number | string | undefined) => (v === undefined || (typeof v === "number" && Number.isNaN(v)) ? "" : String(v));

export function formatTable(rows: Row[], o: { title: string }): string {
  const header = ["figure", "service", "baseline", "ratio", "target", "holds"];
  const body = rows.map((r) => [r.figure, cell(r.value), cell(r.baseline), cell(r.ratio), r.target ?? "", r.holds === undefined ? "" : r.holds ? "yes" : "NO"]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|")}|`;
  const checked = rows.filter((r) => r.holds !== undefined);
  const held = checked.filter((r) => r.holds).length;
  return [`\n${o.title}\n`, line(header), rule, ...body.map(line), `\ntargets: ${held} of ${checked.length} hold\n`].join("\n");
}
