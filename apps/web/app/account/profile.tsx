"use client";

import { Contact } from "../../src/components/contact";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { FormAlert } from "../../src/components/form-alert";
import { accountMessages } from "../../src/i18n/account";
import { common } from "../../src/i18n/common";
import { useLocale, useMessages } from "../../src/i18n/client";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import styles from "./account.module.css";
import { VerifyContact, type Channel } from "./verify-contact";

export interface ProfileData {
  fullName: string | null;
  username: string | null;
  email: string | null;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
}

/** Name, username, email and phone, each contact with its verified state and a way to verify it. */
export function Profile({ user }: { user: ProfileData }) {
  const t = useMessages(accountMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const router = useRouter();
  const request = api.user.requestVerification.useMutation();
  const [verifying, setVerifying] = useState<{ channel: Channel; resendIn: number } | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Cancelling the code step gives focus back to the button that opened it.
  const verifyButtons = useRef<Partial<Record<Channel, HTMLButtonElement | null>>>({});
  const [focusBack, setFocusBack] = useState<Channel | null>(null);
  useEffect(() => {
    if (focusBack) verifyButtons.current[focusBack]?.focus();
  }, [focusBack]);

  async function start(channel: Channel) {
    setProblem(null);
    setNotice(null);
    setFocusBack(null);
    try {
      const sent = await request.mutateAsync({ channel, locale });
      setVerifying({ channel, resendIn: sent.resendIn });
    } catch (err) {
      const p = toProblem(err, c);
      // A code sent a moment ago still works; anything else is worth saying.
      if (p.code === "RESEND_COOLDOWN" && p.retryAfterSec) setVerifying({ channel, resendIn: p.retryAfterSec });
      else if (p.code === "ALREADY_VERIFIED") router.refresh();
      else setProblem(p);
    }
  }

  function contact(channel: Channel, value: string | null, verified: boolean) {
    if (!value) return <span className="muted">{t.notSet}</span>;
    return (
      <>
        <span className={styles.contact}>
          <Contact value={value} />{" "}
          <span className={`${styles.badge} ${verified ? styles.ok : styles.pending}`}>{verified ? t.verified : t.notVerified}</span>{" "}
          {verified || verifying?.channel === channel ? null : (
            <button
              ref={(el) => {
                verifyButtons.current[channel] = el;
              }}
              type="button"
              className="link"
              onClick={() => void start(channel)}
              disabled={request.isPending}
            >
              {t.verifyNow}
              <span className="sr-only"> ({channel === "email" ? t.email : t.phone})</span>
            </button>
          )}
        </span>
        {/* An unproven number is no way in: a code to it would open a separate account (core: proveClaim). */}
        {channel === "phone" && !verified ? <span className={`muted ${styles.note}`}>{t.phoneUnverifiedNote}</span> : null}
      </>
    );
  }

  const destination = verifying ? (verifying.channel === "email" ? user.email : user.phone) : null;
  return (
    <div className="stack">
      <dl className="facts">
        <dt>{t.name}</dt>
        <dd>{user.fullName || <span className="muted">{t.notSet}</span>}</dd>
        <dt>{t.username}</dt>
        <dd>{user.username || <span className="muted">{t.notSet}</span>}</dd>
        <dt>{t.email}</dt>
        <dd>{contact("email", user.email, user.emailVerified)}</dd>
        <dt>{t.phone}</dt>
        <dd>{contact("phone", user.phone, user.phoneVerified)}</dd>
      </dl>
      <FormAlert>{problem?.message}</FormAlert>
      <FormAlert kind="success">{notice}</FormAlert>
      {verifying && destination ? (
        <VerifyContact
          key={verifying.channel}
          channel={verifying.channel}
          destination={destination}
          resendIn={verifying.resendIn}
          onCancel={() => {
            setFocusBack(verifying.channel);
            setVerifying(null);
          }}
          onVerified={() => {
            setNotice(verifying.channel === "email" ? t.emailVerifiedNow : t.phoneVerifiedNow);
            setVerifying(null);
            router.refresh();
          }}
        />
      ) : null}
    </div>
  );
}
