"use client";

import { useEffect, useRef, useState } from "react";
import { CodeEntry } from "../../../src/components/code-entry";
import { FormAlert } from "../../../src/components/form-alert";
import { useLocale, useMessages } from "../../../src/i18n/client";
import { common } from "../../../src/i18n/common";
import { safeNext } from "../../../src/i18n/locale";
import { phoneStepMessages } from "../../../src/i18n/signup";
import { toProblem, type ApiProblem } from "../../../src/trpc/errors";
import { api } from "../../../src/trpc/react";

/** Sends the code to the sign-up's phone once, then takes it; "Later" goes on without it. */
export function PhoneStep({ phone, next }: { phone: string; next: string | null }) {
  const t = useMessages(phoneStepMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const request = api.user.requestVerification.useMutation();
  const confirm = api.user.confirmVerification.useMutation();
  // Seconds before a new code may be asked for; null until the first send has answered.
  const [resendIn, setResendIn] = useState<number | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const asked = useRef(false);
  const go = () => window.location.assign(safeNext(next));

  useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    request.mutateAsync({ channel: "phone", locale }).then(
      (sent) => setResendIn(sent.resendIn),
      (err: unknown) => {
        const p = toProblem(err, c);
        // A code sent a moment ago (a reload) still works; verified meanwhile: nothing left to do.
        if (p.code === "ALREADY_VERIFIED") return go();
        if (p.code !== "RESEND_COOLDOWN") setProblem(p);
        setResendIn(p.retryAfterSec ?? 0);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per visit: the first answer decides the screen
  }, []);

  return (
    <div className="stack">
      <FormAlert>{problem?.message}</FormAlert>
      {resendIn === null ? (
        <p className="muted" role="status">
          {c.working}
        </p>
      ) : (
        <CodeEntry
          destination={phone}
          resendIn={resendIn}
          submitLabel={t.submit}
          onVerify={async (code) => {
            await confirm.mutateAsync({ channel: "phone", code });
            go();
          }}
          onResend={async () => {
            setProblem(null);
            return (await request.mutateAsync({ channel: "phone", locale })).resendIn;
          }}
        />
      )}
      <p className="muted">{t.laterNote}</p>
      <p>
        <button type="button" className="secondary" onClick={go}>
          {t.later}
        </button>
      </p>
    </div>
  );
}
