"use client";

import type { ReactNode } from "react";
import { useCountdown } from "../use-countdown";
import { useHydrated } from "../use-hydrated";

interface Props {
  busy: boolean;
  busyLabel: string;
  /** Epoch ms before which the service will refuse anyway (rate limit); 0 for none. */
  waitUntil: number;
  /** The line under the button while the wait runs, from the seconds left. */
  waitLabel(seconds: number): string;
  children: ReactNode;
}

/** A submit button that stays off while a rate limit runs, with the seconds left under it. */
export function WaitSubmit({ busy, busyLabel, waitUntil, waitLabel, children }: Props) {
  const wait = useCountdown(waitUntil);
  const hydrated = useHydrated();
  return (
    <>
      <button type="submit" className="primary" disabled={busy || wait > 0 || !hydrated} aria-busy={busy || undefined}>
        {busy ? busyLabel : children}
      </button>
      {wait > 0 ? <div className="muted">{waitLabel(wait)}</div> : null}
    </>
  );
}
