"use client";

import { readableContact } from "./readable-contact";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { CODE_LENGTH, isCodeShape } from "@authsvc/core/vocabulary";
import { common } from "../i18n/common";
import { codeEntryMessages } from "../i18n/code-entry";
import { clockTime, fill } from "../i18n/define";
import { useMessages } from "../i18n/client";
import { toProblem, type ApiProblem } from "../trpc/errors";
import { Field } from "./field";
import { FormAlert } from "./form-alert";
import { SubmitButton } from "./submit-button";
import { useCountdown } from "./use-countdown";

export interface CodeEntryProps {
  /** Where the code went, shown to the person. */
  destination: string;
  /**
   * Checks the code; throws the API's error when it is wrong. Resolves to false when the
   * fields beside the code need fixing first (they show their own errors): nothing was sent.
   */
  onVerify(code: string): Promise<void | false>;
  /** Sends a new code; resolves to the seconds before another may be asked for. */
  onResend?(): Promise<number>;
  /** Seconds before the first resend is allowed. */
  resendIn: number;
  /** More fields submitted with the code (a new password, a new PIN). */
  children?: ReactNode;
  /** Extra line under the heading (e.g. the polled registration status). */
  status?: ReactNode;
  submitLabel?: string;
  /** Replaces "We sent a code to …" (e.g. "if an account exists, we sent…"). */
  sentMessage?: ReactNode;
}

/** Problems shown on the code field itself; anything else is a form-level alert. */
const CODE_PROBLEMS = ["INVALID_CODE", "CODE_EXPIRED", "TOO_MANY_ATTEMPTS", "INVALID_INPUT"];

/** The one code screen every flow uses: paste, countdown, tries left, clear errors. */
export function CodeEntry({ destination, onVerify, onResend, resendIn, children, status, submitLabel, sentMessage }: CodeEntryProps) {
  const t = useMessages(codeEntryMessages);
  const c = useMessages(common);
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [resendAt, setResendAt] = useState(() => Date.now() + resendIn * 1000);
  const wait = useCountdown(resendAt);

  const [codeError, setCodeError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  // The button is disabled while checking, which drops the focus; a refusal puts it back
  // on the code field, whose error it then reads out.
  useEffect(() => {
    if (problem || codeError) form.current?.querySelector<HTMLInputElement>('input[name="code"]')?.focus();
  }, [problem, codeError]);

  async function verify(value: string) {
    if (busy) return;
    setProblem(null);
    setNotice(null);
    // A code that cannot be right is refused here, so it never spends one of the tries.
    if (!isCodeShape(value)) {
      setCodeError(t.wholeCode);
      return;
    }
    setCodeError(null);
    setBusy(true);
    try {
      if ((await onVerify(value)) === false) setBusy(false);
    } catch (err) {
      setProblem(toProblem(err, c));
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void verify(code);
  }

  async function resend() {
    if (!onResend) return;
    setProblem(null);
    setNotice(null);
    try {
      const next = await onResend();
      setResendAt(Date.now() + next * 1000);
      setCode("");
      setNotice(t.resent);
    } catch (err) {
      const p = toProblem(err, c);
      setProblem(p);
      if (p.retryAfterSec) setResendAt(Date.now() + p.retryAfterSec * 1000);
    }
  }

  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      {sentMessage ?? (destination ? <p>{fill(t.sentTo, { to: readableContact(destination) })}</p> : null)}
      {status}
      <Field
        label={t.codeLabel}
        name="code"
        value={code}
        onChange={(e) => setCode(e.target.value.replace(/\D/g, "").slice(0, CODE_LENGTH))}
        onPaste={(e) => {
          const pasted = e.clipboardData.getData("text").replace(/\D/g, "");
          if (pasted.length === CODE_LENGTH && !children) {
            e.preventDefault();
            setCode(pasted);
            void verify(pasted);
          }
        }}
        autoComplete="one-time-code"
        inputMode="numeric"
        pattern="[0-9]*"
        required
        autoFocus
        hint={t.codeHint}
        error={codeError ?? (problem && CODE_PROBLEMS.includes(problem.code) ? problem.message : null)}
      />
      {children}
      <FormAlert>{problem && !CODE_PROBLEMS.includes(problem.code) ? problem.message : null}</FormAlert>
      <FormAlert kind="success">{notice}</FormAlert>
      <SubmitButton busy={busy} busyLabel={c.working}>
        {submitLabel ?? t.verify}
      </SubmitButton>
      {onResend ? (
        <div className="resend">
          <button type="button" className="link" onClick={() => void resend()} disabled={wait > 0}>
            {t.resend}
          </button>
          <span className="muted">
            {wait > 0 ? fill(t.resendIn, { time: clockTime(wait) }) : ""}
          </span>
        </div>
      ) : null}
    </form>
  );
}
