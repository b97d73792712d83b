"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field } from "../../../src/components/field";
import { FormAlert } from "../../../src/components/form-alert";
import { fill } from "../../../src/i18n/define";
import { outboxMessages } from "../../../src/i18n/outbox";
import { useMessages } from "../../../src/i18n/client";
import { OutboxMessage, type Message } from "./outbox-message";
import styles from "./outbox.module.css";

async function load(to: string): Promise<Message[]> {
  const res = await fetch(`/api/dev/outbox${to ? `?to=${encodeURIComponent(to)}` : ""}`, { cache: "no-store" });
  if (!res.ok) throw new Error(`GET /api/dev/outbox answered ${res.status}`);
  return ((await res.json()) as { messages: Message[] }).messages;
}

/** The filter lives in the address (`?to=`), so a view of one recipient's messages can be linked. */
export function Outbox() {
  const t = useMessages(outboxMessages);
  const router = useRouter();
  const pathname = usePathname();
  const to = useSearchParams().get("to")?.trim() ?? "";
  const [draft, setDraft] = useState(to);
  const [shownFor, setShownFor] = useState(to);
  // Back and forward change the address under us: the field follows it.
  if (shownFor !== to) {
    setShownFor(to);
    setDraft(to);
  }
  const messages = useQuery({ queryKey: ["dev-outbox", to], queryFn: () => load(to), refetchOnWindowFocus: true });

  function submit(e: FormEvent) {
    e.preventDefault();
    const value = draft.trim();
    if (value === to) void messages.refetch();
    else router.push(value ? `${pathname}?to=${encodeURIComponent(value)}` : pathname, { scroll: false });
  }

  const list = messages.data ?? [];
  const count = to
    ? fill(list.length === 1 ? t.count1To : t.countNTo, { n: list.length, to })
    : fill(list.length === 1 ? t.count1 : t.countN, { n: list.length });
  return (
    <div className="stack">
      <form role="search" onSubmit={submit} className="stack">
        <Field
          label={t.filter}
          name="to"
          type="search"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          hint={t.filterHint}
        />
        <div className={styles.actions}>
          <button type="submit" className="primary">
            {t.show}
          </button>
          <button type="button" className="secondary" onClick={() => void messages.refetch()} disabled={messages.isFetching}>
            {messages.isFetching ? t.loading : t.refresh}
          </button>
          {to ? (
            <button type="button" className="link" onClick={() => router.push(pathname, { scroll: false })}>
              {t.showAll}
            </button>
          ) : null}
        </div>
      </form>
      {messages.isPending ? (
        <p role="status">{t.loading}</p>
      ) : messages.isError ? (
        <FormAlert>{t.failed}</FormAlert>
      ) : (
        <section aria-labelledby="outbox-count" className="stack">
          <h2 id="outbox-count">{count}</h2>
          {list.length === 0 ? (
            <p>{to ? fill(t.noneTo, { to }) : t.none}</p>
          ) : (
            <ol className={styles.list}>
              {list.map((m) => (
                <li key={m.id}>
                  <OutboxMessage message={m} />
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </div>
  );
}
