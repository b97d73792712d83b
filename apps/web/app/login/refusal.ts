"use client";

import { useState } from "react";
import { useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { clockTime, fill } from "../../src/i18n/define";
import { loginMessages } from "../../src/i18n/login";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";

/** The last refusal of a login form, and until when a rate limit makes retrying pointless. */
export function useRefusal() {
  const c = useMessages(common);
  const t = useMessages(loginMessages);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [waitUntil, setWaitUntil] = useState(0);
  return {
    problem,
    waitUntil,
    clear: () => setProblem(null),
    /** Limits count per identifier: a different one may go through, so stop holding the button. */
    edited() {
      if (problem?.code !== "RATE_LIMITED") return;
      setProblem(null);
      setWaitUntil(0);
    },
    waitLabel: (s: number) => fill(t.waitToRetry, { time: clockTime(s) }),
    fail(err: unknown): ApiProblem {
      const p = toProblem(err, c);
      if (p.code === "RATE_LIMITED" && p.retryAfterSec) {
        setWaitUntil(Date.now() + p.retryAfterSec * 1000);
        // The button shows the live wait; a fixed number of seconds here would go stale.
        p.message = c.RATE_LIMITED;
      }
      setProblem(p);
      return p;
    },
  };
}
