"use client";

import { readableContact } from "../../src/components/readable-contact";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { FormAlert } from "../../src/components/form-alert";
import { common } from "../../src/i18n/common";
import { fill } from "../../src/i18n/define";
import { pinMessages } from "../../src/i18n/pin";
import { useLocale, useMessages } from "../../src/i18n/client";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { ResetPinForm } from "./reset-pin-form";
import { SetPinForm } from "./set-pin-form";

type Mode = { step: "set" } | { step: "reset"; resendIn: number } | { step: "done"; message: string };

/**
 * Set or change the PIN, or reset it with a code. `resetTo` is where pin.requestReset sends
 * the code (the account's email, else its phone).
 */
export function PinSetup({ resetTo, resetFirst }: { resetTo: string | null; resetFirst: boolean }) {
  const t = useMessages(pinMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const request = api.pin.requestReset.useMutation();
  const [mode, setMode] = useState<Mode>({ step: "set" });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const resetButton = useRef<HTMLButtonElement>(null);
  const firstLink = useRef<HTMLAnchorElement>(null);
  // Where focus goes when a step replaces the form that had it.
  const [focusTarget, setFocusTarget] = useState<"reset" | "done" | null>(null);

  useEffect(() => {
    if (focusTarget === "reset") resetButton.current?.focus();
    if (focusTarget === "done") firstLink.current?.focus();
  }, [focusTarget, mode]);

  async function startReset() {
    setProblem(null);
    try {
      const sent = await request.mutateAsync({ locale });
      setMode({ step: "reset", resendIn: sent.resendIn });
    } catch (err) {
      const p = toProblem(err, c);
      // A code sent a moment ago is still good: go and type it.
      if (p.code === "RESEND_COOLDOWN" && p.retryAfterSec) setMode({ step: "reset", resendIn: p.retryAfterSec });
      else setProblem(p);
    }
  }

  function finish(message: string) {
    setMode({ step: "done", message });
    setFocusTarget("done");
  }

  if (mode.step === "done") {
    return (
      <div className="stack">
        <FormAlert kind="success">{mode.message}</FormAlert>
        <p>
          <Link href="/unlock" ref={firstLink}>
            {t.tryUnlock}
          </Link>
        </p>
      </div>
    );
  }

  if (mode.step === "reset" && resetTo) {
    return (
      <section aria-labelledby="pin-reset-title" className="stack">
        <h2 id="pin-reset-title">{t.resetTitle}</h2>
        <ResetPinForm destination={resetTo} resendIn={mode.resendIn} onDone={() => finish(t.resetDone)} />
        <p>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setMode({ step: "set" });
              setFocusTarget("reset");
            }}
          >
            {t.cancel}
          </button>
        </p>
      </section>
    );
  }

  const setSection = (
    <section key="set" aria-labelledby="pin-set-title" className="stack">
      <h2 id="pin-set-title">{t.setTitle}</h2>
      <SetPinForm onDone={() => finish(t.saved)} onLocked={() => resetButton.current?.focus()} />
    </section>
  );
  const resetSection = (
    <section key="reset" aria-labelledby="pin-forgot-title" className="stack">
      <h2 id="pin-forgot-title">{t.forgotTitle}</h2>
      {resetTo ? (
        <>
          <p>{fill(t.forgotIntro, { to: readableContact(resetTo) })}</p>
          <FormAlert>{problem?.message}</FormAlert>
          <p>
            <button ref={resetButton} type="button" className="secondary" onClick={() => void startReset()} disabled={request.isPending}>
              {request.isPending ? c.working : t.sendResetCode}
            </button>
          </p>
        </>
      ) : (
        <p>{t.noContact}</p>
      )}
    </section>
  );
  return <>{resetFirst ? [resetSection, setSection] : [setSection, resetSection]}</>;
}
