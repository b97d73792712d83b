"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { isPinShape } from "@authsvc/core/vocabulary";
import { FormAlert } from "../../src/components/form-alert";
import { SubmitButton } from "../../src/components/submit-button";
import { PinField } from "../../src/components/account/pin-field";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { common } from "../../src/i18n/common";
import { pinMessages } from "../../src/i18n/pin";
import { useMessages } from "../../src/i18n/client";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";

/** pin.relogin on the session this browser already has; then on to `next`. */
export function UnlockForm({ next }: { next: string }) {
  const t = useMessages(pinMessages);
  const c = useMessages(common);
  const relogin = api.pin.relogin.useMutation();
  const [pin, setPin] = useState("");
  const [fieldError, setFieldError] = useState<{ pin?: string }>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [leaving, setLeaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, fieldError);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    if (!isPinShape(pin)) {
      setFieldError({ pin: t.notDigits });
      return;
    }
    setFieldError({});
    try {
      await relogin.mutateAsync({ pin });
      setLeaving(true);
      // A full load, so every server-rendered part sees the freshly proven session.
      window.location.assign(next);
    } catch (err) {
      const p = toProblem(err, c);
      setPin("");
      if (p.code === "INVALID_PIN") setFieldError({ pin: p.message });
      else setProblem(p);
    }
  }

  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      <PinField label={t.pin} name="pin" value={pin} onChange={setPin} error={fieldError.pin} autoFocus />
      <FormAlert>
        {problem ? (
          <>
            {problem.message}{" "}
            {problem.code === "PIN_LOCKED" ? <Link href="/pin?reset=1">{t.resetLocked}</Link> : null}
            {problem.code === "PIN_NOT_SET" ? <Link href="/pin">{t.setPinFirst}</Link> : null}
          </>
        ) : null}
      </FormAlert>
      <SubmitButton busy={relogin.isPending || leaving} busyLabel={c.working}>
        {t.unlock}
      </SubmitButton>
    </form>
  );
}
