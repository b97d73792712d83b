"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, useSyncExternalStore, useTransition, type FormEvent } from "react";
import { AUDIT_KINDS } from "@authsvc/core/vocabulary";
import { Field } from "../../../src/components/field";
import { useFocusInvalid } from "../../../src/components/use-focus-invalid";
import { adminMessages } from "../../../src/i18n/admin";
import { useMessages } from "../../../src/i18n/client";
import { fill } from "../../../src/i18n/define";
import { kindLabel } from "./labels";
import { AUDIT_PATH, auditHref, fromLocalInput, hasFilters, MINUTE_END, POSITIVE_INT, toLocalInput, type AuditQuery } from "./query";
import { SelectField } from "./select-field";
import styles from "./audit.module.css";

const noSubscribe = () => () => {};
interface Problems {
  userId?: string;
  from?: string;
  to?: string;
}

/**
 * The filter, written to the address (times as epoch ms) so a view can be linked. Submitting
 * starts again from the newest events.
 */
export function FilterForm({ query }: { query: AuditQuery }) {
  const t = useMessages(adminMessages);
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const form = useRef<HTMLFormElement>(null);
  // The server cannot know the reader's time zone: the times fill in once the browser can say.
  const inBrowser = useSyncExternalStore(noSubscribe, () => true, () => false);
  const [userId, setUserId] = useState(query.userId?.toString() ?? "");
  const [kind, setKind] = useState(query.kind ?? "");
  const [fromDraft, setFrom] = useState<string | null>(null);
  const [toDraft, setTo] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problems & { at?: object }>({});
  // Back, forward and links in the table change the address under us: the fields follow it
  // (without remounting, so focus stays where it was).
  const current = auditHref(query);
  const [shownFor, setShownFor] = useState(current);
  if (shownFor !== current) {
    setShownFor(current);
    setUserId(query.userId?.toString() ?? "");
    setKind(query.kind ?? "");
    setFrom(null);
    setTo(null);
    setProblems({});
  }
  useFocusInvalid(form, problems.at);

  const from = fromDraft ?? (inBrowser && query.from !== undefined ? toLocalInput(query.from) : "");
  const to = toDraft ?? (inBrowser && query.to !== undefined ? toLocalInput(query.to) : "");
  const zone = inBrowser ? Intl.DateTimeFormat().resolvedOptions().timeZone : undefined;
  const timeHint = zone ? fill(t.timeHint, { zone }) : t.timeHintNoZone;

  function submit(e: FormEvent) {
    e.preventDefault();
    const found: Problems = {};
    const id = userId.trim();
    if (id && !POSITIVE_INT.test(id)) found.userId = t.userIdInvalid;
    const fromMs = from ? fromLocalInput(from) : undefined;
    let toMs = to ? fromLocalInput(to) : undefined;
    if (fromMs === null) found.from = t.timeInvalid;
    if (toMs === null) found.to = t.timeInvalid;
    if (typeof toMs === "number") toMs = toMs - (toMs % 60_000) + MINUTE_END;
    if (typeof fromMs === "number" && typeof toMs === "number" && toMs < fromMs) found.to = t.toBeforeFrom;
    if (found.userId || found.from || found.to) {
      setProblems({ ...found, at: {} });
      return;
    }
    setProblems({});
    const next = auditHref({
      userId: id ? Number(id) : undefined,
      kind: kind || undefined,
      from: fromMs ?? undefined,
      to: toMs ?? undefined,
    });
    // The same view again is a request for fresh events.
    startNavigation(() => (next === current ? router.refresh() : router.push(next, { scroll: false })));
  }

  const unknownKind = query.kind && !(AUDIT_KINDS as readonly string[]).includes(query.kind) ? query.kind : null;
  return (
    <form ref={form} role="search" aria-labelledby="filters-title" onSubmit={submit} noValidate className="stack">
      <h2 id="filters-title">{t.filters}</h2>
      <div className={styles.filterGrid}>
        <Field
          label={t.userId}
          name="userId"
          inputMode="numeric"
          autoComplete="off"
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
          hint={t.userIdHint}
          error={problems.userId}
        />
        <SelectField label={t.kind} name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">{t.anyKind}</option>
          {AUDIT_KINDS.map((k) => (
            <option key={k} value={k}>
              {kindLabel(t, k)}
            </option>
          ))}
          {unknownKind ? <option value={unknownKind}>{unknownKind}</option> : null}
        </SelectField>
        <Field
          label={t.from}
          name="from"
          type="datetime-local"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          hint={timeHint}
          error={problems.from}
        />
        <Field
          label={t.to}
          name="to"
          type="datetime-local"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          hint={timeHint}
          error={problems.to}
        />
      </div>
      <div className={styles.actions}>
        <button type="submit" className="primary" disabled={navigating} aria-busy={navigating || undefined}>
          {navigating ? t.loading : t.show}
        </button>
        {hasFilters(query) ? (
          <Link href={AUDIT_PATH} scroll={false}>
            {t.clear}
          </Link>
        ) : null}
      </div>
    </form>
  );
}
