import type { AdminMessages } from "../../../src/i18n/admin";

/** A kind of event in words; a kind this page does not know yet shows as the service stored it. */
export const kindLabel = (t: AdminMessages, kind: string): string =>
  (t as Record<string, string | undefined>)[`kind_${kind}`] ?? kind;
