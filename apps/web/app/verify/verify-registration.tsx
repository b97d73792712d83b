"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { href, verifyHref } from "../../src/components/auth/links";
import { CodeEntry } from "../../src/components/code-entry";
import { FormAlert } from "../../src/components/form-alert";
import { useCountdown } from "../../src/components/use-countdown";
import { useLocale, useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { clockTime, fill } from "../../src/i18n/define";
import { safeNext } from "../../src/i18n/locale";
import { verifyMessages } from "../../src/i18n/signup";
import { toProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";

const POLL_MS = 5000;

interface Props {
  initialId: string;
  email: string | null;
  next: string | null;
  resendIn: number;
}

export function VerifyRegistration({ initialId, email, next, resendIn }: Props) {
  const t = useMessages(verifyMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const router = useRouter();
  // A resend issues a new verificationId and kills the old one, so the id lives in state.
  const [id, setId] = useState(initialId);
  // Set once our own code went through, so the poll seeing "verified" does not swap the screen mid-redirect.
  const [done, setDone] = useState(false);
  const verify = api.auth.verifyRegistration.useMutation();
  const resend = api.auth.resendRegistration.useMutation();
  const status = api.auth.registrationStatus.useQuery(
    { verificationId: id },
    {
      refetchInterval: (q) => {
        if (q.state.data?.state === "verified" && q.state.status === "success") return false;
        if (q.state.error && toProblem(q.state.error, c).code === "VERIFICATION_NOT_FOUND") return false;
        return POLL_MS;
      },
    },
  );
  const pending = status.data?.state === "pending" && !status.error ? status.data : null;
  const expiresAt = pending ? status.dataUpdatedAt + pending.expiresIn * 1000 : 0;
  useCountdown(expiresAt); // re-renders once a second while the code lives
  const expiresIn = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
  const errorCode = status.error ? toProblem(status.error, c).code : null;
  const destination = email ?? status.data?.email ?? null;

  if (!done && status.data?.state === "verified" && !status.error) {
    return (
      <FormAlert kind="success">
        {t.verified} <Link href={href("/login", { next })}>{t.login}</Link>
      </FormAlert>
    );
  }
  if (errorCode === "VERIFICATION_NOT_FOUND") {
    return (
      <FormAlert>
        {t.notFound} <Link href={href("/signup", { next })}>{t.signupAgain}</Link>
      </FormAlert>
    );
  }

  async function onVerify(code: string) {
    const signedIn = await verify.mutateAsync({ verificationId: id, code, delivery: "cookie" });
    setDone(true);
    // A full load, so the server renders the next page with the new session cookie. A phone
    // given at sign-up gets its own code next: unproven, it would be no way in.
    const { phone, phoneVerified } = signedIn.user;
    window.location.assign(phone && !phoneVerified ? href("/verify/phone", { next }) : safeNext(next));
  }

  async function onResend() {
    // By id, not by email: only the registrant holds the id, so the registration stays theirs.
    const p = await resend.mutateAsync({ verificationId: id, locale });
    setId(p.verificationId);
    router.replace(verifyHref(p, next), { scroll: false });
    return p.resendIn;
  }

  const expired = errorCode === "VERIFICATION_EXPIRED" || (pending !== null && expiresIn === 0);
  const line = expired ? (
    <FormAlert kind="info">{t.expired}</FormAlert>
  ) : (
    <p className="muted">{pending ? fill(t.pending, { time: clockTime(expiresIn) }) : t.pendingSoon}</p>
  );

  return (
    <>
      <CodeEntry
        destination={destination ?? ""}
        onVerify={onVerify}
        onResend={onResend}
        resendIn={resendIn}
        status={line}
        submitLabel={t.submit}
      />
      <p>
        {t.wrongEmail} <Link href={href("/signup", { next })}>{t.signupAgain}</Link>
      </p>
    </>
  );
}
