"use client";

import type { AppRouter } from "@authsvc/api";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { adminMessages, type AdminMessages } from "../../../src/i18n/admin";
import { LocalTime } from "../../../src/components/account/local-time";
import { useMessages } from "../../../src/i18n/client";
import { fill } from "../../../src/i18n/define";
import { describeUserAgent } from "../../account/device";
import { kindLabel } from "./labels";
import { auditHref, type AuditQuery } from "./query";
import styles from "./audit.module.css";

export type AuditRow = inferRouterOutputs<AppRouter>["admin"]["audit"]["events"][number];

/** Nothing to show, said to screen readers rather than read out as a dash. */
function Nothing({ t }: { t: AdminMessages }) {
  return (
    <>
      <span aria-hidden="true" className="muted">
        —
      </span>
      <span className="sr-only">{t.none}</span>
    </>
  );
}

function deviceName(ua: string, t: AdminMessages): string {
  const d = describeUserAgent(ua);
  if (d.program) return fill(t.program, { name: d.program });
  if (!d.browser && !d.os) return ua.length > 32 ? `${ua.slice(0, 31)}…` : ua;
  return fill(t.device, { browser: d.browser ?? t.unknownBrowser, os: d.os ?? t.unknownOs });
}

/** The short name, with the whole string one keypress away for when it matters. */
function Device({ ua, t }: { ua: string | null; t: AdminMessages }) {
  if (!ua) return <Nothing t={t} />;
  const name = deviceName(ua, t);
  if (name === ua) return <span>{ua}</span>;
  return (
    <details className={styles.agent}>
      <summary>{name}</summary>
      <span className="sr-only">{t.fullAgent}: </span>
      <code>{ua}</code>
    </details>
  );
}

const show = (v: unknown): string => (v === null || v === undefined ? "null" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** `method=password sessionId=12`: one pair per chip, so lines break between pairs, not inside them. */
function Detail({ detail, t }: { detail: Record<string, unknown> | null; t: AdminMessages }) {
  const pairs = detail ? Object.entries(detail) : [];
  if (pairs.length === 0) return <Nothing t={t} />;
  return (
    <ul className={styles.detail}>
      {pairs.map(([k, v]) => (
        <li key={k}>
          <code>
            {k}={show(v)}
          </code>
        </li>
      ))}
    </ul>
  );
}

export function EventTable({ events, query }: { events: AuditRow[]; query: AuditQuery }) {
  const t = useMessages(adminMessages);
  return (
    // Scrolls sideways on its own on narrow screens; focusable so the keyboard can scroll it too.
    <div className={styles.scroller} role="region" aria-labelledby="events-caption" tabIndex={0}>
      <table className={styles.table}>
        <caption id="events-caption" className="sr-only">
          {t.caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t.colTime}</th>
            <th scope="col">{t.colKind}</th>
            <th scope="col">{t.colOutcome}</th>
            <th scope="col">{t.colUser}</th>
            <th scope="col">{t.colIp}</th>
            <th scope="col">{t.colDevice}</th>
            <th scope="col">{t.colDetail}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} className={e.outcome === "fail" ? styles.failed : undefined}>
              <td className={styles.nowrap} data-label={t.colTime}>
                <LocalTime seconds at={e.at} />
              </td>
              <td data-label={t.colKind}>
                <span className={styles.kind}>{kindLabel(t, e.kind)}</span>
                <code className={styles.code}>{e.kind}</code>
              </td>
              <td data-label={t.colOutcome}>
                <span className={`${styles.outcome} ${e.outcome === "fail" ? styles.fail : styles.ok}`}>
                  {e.outcome === "fail" ? t.outcome_fail : e.outcome === "ok" ? t.outcome_ok : e.outcome}
                </span>
              </td>
              <td data-label={t.colUser}>
                {e.userId === null ? (
                  <Nothing t={t} />
                ) : query.userId === e.userId ? (
                  <span>{e.userId}</span>
                ) : (
                  <Link
                    href={auditHref({ ...query, userId: e.userId, before: undefined })}
                    scroll={false}
                    aria-label={fill(t.filterByUser, { id: e.userId })}
                  >
                    {e.userId}
                  </Link>
                )}
              </td>
              <td className={styles.ip} data-label={t.colIp}>{e.ip ?? <Nothing t={t} />}</td>
              <td className={styles.device} data-label={t.colDevice}>
                <Device ua={e.userAgent} t={t} />
              </td>
              <td className={styles.detailCell} data-label={t.colDetail}>
                <Detail detail={e.detail} t={t} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
