"use client";

import { CodeEntry } from "../../src/components/code-entry";
import { accountMessages } from "../../src/i18n/account";
import { useLocale, useMessages } from "../../src/i18n/client";
import { api } from "../../src/trpc/react";

export type Channel = "email" | "phone";

/** The code step for one's own email or phone; the code was already sent when this shows. */
export function VerifyContact({
  channel,
  destination,
  resendIn,
  onVerified,
  onCancel,
}: {
  channel: Channel;
  destination: string;
  resendIn: number;
  onVerified(): void;
  onCancel(): void;
}) {
  const t = useMessages(accountMessages);
  const locale = useLocale();
  const request = api.user.requestVerification.useMutation();
  const confirm = api.user.confirmVerification.useMutation();
  const titleId = `verify-${channel}-title`;
  return (
    <section aria-labelledby={titleId} className="card stack">
      <h3 id={titleId}>{channel === "email" ? t.verifyEmailTitle : t.verifyPhoneTitle}</h3>
      <CodeEntry
        destination={destination}
        resendIn={resendIn}
        onVerify={async (code) => {
          await confirm.mutateAsync({ channel, code });
          onVerified();
        }}
        onResend={async () => (await request.mutateAsync({ channel, locale })).resendIn}
      />
      <p>
        <button type="button" className="secondary" onClick={onCancel}>
          {t.cancel}
        </button>
      </p>
    </section>
  );
}
