"use client";

import type { ReactNode } from "react";
import { useHydrated } from "./use-hydrated";

export function SubmitButton({ busy, busyLabel, children }: { busy: boolean; busyLabel: string; children: ReactNode }) {
  const hydrated = useHydrated();
  return (
    <button type="submit" className="primary" disabled={busy || !hydrated} aria-busy={busy || undefined}>
      {busy ? busyLabel : children}
    </button>
  );
}
