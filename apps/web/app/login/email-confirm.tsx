"use client";

import { useState } from "react";
import { CodeEntry } from "../../src/components/code-entry";
import { useLocale, useMessages } from "../../src/i18n/client";
import { safeNext } from "../../src/i18n/locale";
import { loginMessages } from "../../src/i18n/login";
import { secondStepTicket, type SecondStepTicket } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { ClaimMoved } from "./claim-moved";
import { SecondStep } from "./second-step";

/** An account whose email was never confirmed: the emailed code confirms it and signs in. */
export function EmailConfirm({ email, resendIn, next, onBack }: { email: string; resendIn: number; next: string | null; onBack(): void }) {
  const t = useMessages(loginMessages);
  const locale = useLocale();
  const verify = api.auth.verifyEmail.useMutation();
  const send = api.auth.sendEmailVerification.useMutation();
  // The code moved this email off an account that had not verified it: say so before going on.
  const [moved, setMoved] = useState<"phone" | "email" | null>(null);
  // Set when the code was right and the account has a second factor.
  const [ticket, setTicket] = useState<SecondStepTicket | null>(null);
  if (moved) return <ClaimMoved what={moved} next={next} />;
  if (ticket) return <SecondStep step={ticket} next={next} onRestart={onBack} />;
  return (
    <div className="stack">
      <CodeEntry
        destination={email}
        resendIn={resendIn}
        submitLabel={t.emailCodeSubmit}
        onVerify={async (code) => {
          const signedIn = await verify.mutateAsync({ email, code, delivery: "cookie" }).catch((err: unknown) => {
            setTicket(secondStepTicket(err));
            throw err;
          });
          if (signedIn.claimMoved) setMoved(signedIn.claimMoved);
          else window.location.assign(safeNext(next));
        }}
        onResend={async () => (await send.mutateAsync({ email, locale })).resendIn}
      />
      <p>
        <button type="button" className="link" onClick={onBack}>
          {t.back}
        </button>
      </p>
    </div>
  );
}
