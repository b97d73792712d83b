import { firstParam, href } from "../../../src/components/auth/links";

export const PAGE_SIZE = 50;
export const AUDIT_PATH = "/admin/audit";

/** What the address asks for; times are epoch ms, so a link means the same moment in every time zone. */
export interface AuditQuery {
  userId?: number;
  kind?: string;
  from?: number;
  to?: number;
  /** Events older than this id: the page after the one that ended there. */
  before?: number;
}

/** A user or event id as typed: a whole number above 0, short enough to be exact. */
export const POSITIVE_INT = /^[1-9]\d{0,14}$/;
const EPOCH_MS = /^\d{1,15}$/;

/** The query from the address; values that are not understood are left out and named in `ignored`. */
export function parseAuditQuery(sp: Record<string, string | string[] | undefined>): { query: AuditQuery; ignored: string[] } {
  const query: AuditQuery = {};
  const ignored: string[] = [];
  const read = (name: keyof AuditQuery, ok: (v: string) => boolean, set: (v: string) => void) => {
    const raw = firstParam(sp[name])?.trim();
    if (!raw) return;
    if (ok(raw)) set(raw);
    else ignored.push(name);
  };
  read("userId", (v) => POSITIVE_INT.test(v), (v) => (query.userId = Number(v)));
  read("kind", (v) => v.length <= 64, (v) => (query.kind = v));
  read("from", (v) => EPOCH_MS.test(v), (v) => (query.from = Number(v)));
  read("to", (v) => EPOCH_MS.test(v), (v) => (query.to = Number(v)));
  read("before", (v) => POSITIVE_INT.test(v), (v) => (query.before = Number(v)));
  return { query, ignored };
}

/** The address of a view, in one canonical order so equal views have equal links. */
export const auditHref = (q: AuditQuery): string =>
  href(AUDIT_PATH, { userId: q.userId, kind: q.kind, from: q.from, to: q.to, before: q.before });

export const hasFilters = (q: AuditQuery): boolean =>
  q.userId !== undefined || q.kind !== undefined || q.from !== undefined || q.to !== undefined;

const pad = (n: number) => String(n).padStart(2, "0");

/** Epoch ms as a datetime-local value (to the minute) in this browser's time zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "";
  return `${String(d.getFullYear()).padStart(4, "0")}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value, read in this browser's time zone, as epoch ms; null when it is not one. */
export function fromLocalInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second = "0", milli = "0"] = m.slice(1);
  const d = new Date(2000, 0, 1);
  d.setFullYear(Number(year), Number(month) - 1, Number(day));
  d.setHours(Number(hour), Number(minute), Number(second), Number(milli.padEnd(3, "0")));
  const ms = d.getTime();
  return Number.isNaN(ms) || ms < 0 ? null : ms;
}

/** "To" counts the whole minute it names: 10:30 means up to 10:30:59.999. */
export const MINUTE_END = 59_999;
