"use client";

import type { OutboxView } from "@authsvc/core";
import { Fragment } from "react";
import { LocalTime } from "../../../src/components/account/local-time";
import { fill } from "../../../src/i18n/define";
import { outboxMessages } from "../../../src/i18n/outbox";
import { useMessages } from "../../../src/i18n/client";
import styles from "./outbox.module.css";

/** One row of GET /api/dev/outbox. */
export type Message = OutboxView;

type T = (typeof outboxMessages)["en"];

/** The known values in words; anything newer shows as the service stored it. */
const label = (t: T, prefix: "channel_" | "purpose_" | "status_", value: string): string =>
  (t as Record<string, string | undefined>)[`${prefix}${value}`] ?? value;

// A sentence's closing punctuation is not part of the link before it.
const URL_RE = /(https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)])/g;

/** The message's text with its links clickable; everything else stays plain text. */
function Linked({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_RE).map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} rel="noreferrer">
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

export function OutboxMessage({ message: m }: { message: Message }) {
  const t = useMessages(outboxMessages);
  const headingId = `outbox-${m.id}`;
  return (
    <article aria-labelledby={headingId} className="card">
      <h3 id={headingId}>{fill(t.heading, { purpose: label(t, "purpose_", m.purpose), to: m.to })}</h3>
      <dl className="facts">
        {m.code ? (
          <>
            <dt>{t.code}</dt>
            <dd className={styles.code}>{m.code}</dd>
          </>
        ) : null}
        <dt>{t.sent}</dt>
        <dd>
          <LocalTime at={m.createdAt} />
        </dd>
        <dt>{t.channel}</dt>
        <dd>{label(t, "channel_", m.channel)}</dd>
        {m.subject ? (
          <>
            <dt>{t.subject}</dt>
            <dd>{m.subject}</dd>
          </>
        ) : null}
        <dt>{t.status}</dt>
        <dd>{label(t, "status_", m.status)}</dd>
        <dt>{t.text}</dt>
        <dd className={styles.text}>
          <Linked text={m.text} />
        </dd>
      </dl>
    </article>
  );
}
