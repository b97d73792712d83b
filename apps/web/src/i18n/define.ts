import type { Locale } from "./locale";

type Messages = Record<string, string>;

/** One screen's words in both languages; Indonesian must have every English key. */
export function defineMessages<const E extends Messages>(m: { en: E; id: { [K in keyof E]: string } }): Record<Locale, { [K in keyof E]: string }> {
  return m;
}

/** `"Resend in {s} s"` with `{ s: 42 }`. */
export const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));
