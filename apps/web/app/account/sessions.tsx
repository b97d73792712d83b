"use client";

import type { AppRouter } from "@authsvc/api";
import type { inferRouterOutputs } from "@trpc/server";
import { useRef, useState } from "react";
import { FormAlert } from "../../src/components/form-alert";
import { StepUp } from "../../src/components/account/step-up";
import { LocalTime } from "../../src/components/account/local-time";
import { accountMessages } from "../../src/i18n/account";
import { common } from "../../src/i18n/common";
import { fill } from "../../src/i18n/define";
import { useMessages } from "../../src/i18n/client";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import styles from "./account.module.css";
import { describeUserAgent } from "./device";

export type SessionRow = inferRouterOutputs<AppRouter>["session"]["list"][number];
type T = (typeof accountMessages)["en"];

function deviceName(ua: string | null, t: T): string {
  const d = describeUserAgent(ua);
  if (d.program) return fill(t.program, { name: d.program });
  if (!d.browser && !d.os) return t.unknownDevice;
  return fill(t.device, { browser: d.browser ?? t.unknownBrowser, os: d.os ?? t.unknownOs });
}

const kindLabel = (kind: string, t: T) =>
  kind === "web" ? t.kind_web : kind === "mobile" ? t.kind_mobile : kind === "api" ? t.kind_api : kind;

/** This device first, then the most recently used. */
const ordered = (rows: SessionRow[]) =>
  [...rows].sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt - a.lastUsedAt);

export function Sessions({ initial, hasTotp, hasPasskey }: { initial: SessionRow[]; hasTotp: boolean; hasPasskey: boolean }) {
  const t = useMessages(accountMessages);
  const c = useMessages(common);
  const utils = api.useUtils();
  const sessions = api.session.list.useQuery(undefined, { initialData: initial });
  const list = useRef<HTMLUListElement>(null);
  const revoke = api.session.revoke.useMutation();
  const revokeAll = api.session.revokeAll.useMutation();
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  // Signing other devices out needs a fresh proof: the action waits here for it.
  const [proving, setProving] = useState<(() => Promise<string | null>) | null>(null);
  const rows = ordered(sessions.data ?? initial);
  const others = rows.filter((s) => !s.current).length;

  async function run(action: () => Promise<string | null>) {
    // The pressed button is disabled at once and then goes away with its card (or with the
    // last other session): the keyboard moves to the list first, so that whenever React
    // removes the button, the focus is never left on the page body.
    list.current?.focus();
    setNotice(null);
    setProblem(null);
    try {
      setNotice(await action());
    } catch (err) {
      const p = toProblem(err, c);
      if (p.code === "STEP_UP_REQUIRED") setProving(() => action);
      else setProblem(p);
    }
    await utils.session.list.invalidate();
  }

  async function signOut(s: SessionRow) {
    await revoke.mutateAsync({ sessionId: s.id });
    // This browser's own session is gone with its cookie: nothing private is left to show here.
    if (s.current) window.location.assign("/login");
    return s.current ? null : t.signedOutOne;
  }

  async function signOutOthers() {
    const { revoked } = await revokeAll.mutateAsync({ keepCurrent: true });
    return revoked === 1 ? t.signedOutOther1 : fill(t.signedOutOthers, { n: revoked });
  }

  const busy = revoke.isPending || revokeAll.isPending;
  if (proving) {
    const then = proving;
    return (
      <StepUp
        hasTotp={hasTotp}
        hasPasskey={hasPasskey}
        onProved={() => {
          setProving(null);
          void run(then);
        }}
        onCancel={() => setProving(null)}
      />
    );
  }
  return (
    <div className="stack">
      <FormAlert kind="success">{notice}</FormAlert>
      <FormAlert>{problem?.message}</FormAlert>
      <ul className={styles.sessions} ref={list} tabIndex={-1}>
        {rows.map((s) => {
          const headingId = `session-${s.id}`;
          return (
            <li key={s.id} className="card">
              <h3 id={headingId}>
                <span>{deviceName(s.userAgent, t)}</span>
                {s.current ? (
                  <>
                    {" "}
                    <span className={`${styles.badge} ${styles.ok}`}>{t.thisDevice}</span>
                  </>
                ) : null}
              </h3>
              <dl className="facts">
                <dt>{t.lastUsed}</dt>
                <dd>
                  <LocalTime at={s.lastUsedAt} />
                </dd>
                <dt>{t.started}</dt>
                <dd>
                  <LocalTime at={s.createdAt} />
                </dd>
                <dt>{t.where}</dt>
                <dd>{s.ip ?? t.unknown}</dd>
                <dt>{t.kind}</dt>
                <dd>{kindLabel(s.kind, t)}</dd>
              </dl>
              <p className={styles.sessionActions}>
                <button
                  type="button"
                  className="danger"
                  aria-describedby={headingId}
                  disabled={busy}
                  onClick={() => void run(() => signOut(s))}
                >
                  {s.current ? t.signOutHere : t.signOut}
                </button>
              </p>
            </li>
          );
        })}
      </ul>
      {others > 0 ? (
        <p>
          <button type="button" className="secondary" disabled={busy} onClick={() => void run(signOutOthers)}>
            {t.signOutOthers}
          </button>
        </p>
      ) : (
        <p className="muted">{t.onlyHere}</p>
      )}
    </div>
  );
}
