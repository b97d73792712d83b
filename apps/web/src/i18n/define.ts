import type { Locale } from "./locale";

type Messages = Record<string, string>;

/** One screen's words in both languages; Indonesian must have every English key. */
export function defineMessages<const E extends Messages>(m: { en: E; id: { [K in keyof E]: string } }): Record<Locale, { [K in keyof E]: string }> {
  return m;
}

/** `"Resend in {time}"` with `{ time: "0:42" }`. */
export const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));

/** Seconds as a clock shows time left: `4:57`, or `1:02:05` from an hour up (the same in both languages). */
export function clockTime(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}
