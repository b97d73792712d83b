"use client";

import { useEffect, useRef } from "react";
import { useMessages } from "../../src/i18n/client";
import { safeNext } from "../../src/i18n/locale";
import { loginMessages } from "../../src/i18n/login";

/**
 * Signed in, but the code moved the number or email off another account that had not
 * verified it (core: proveClaim, the `claimMoved` of the sign-in answer): said in one
 * sentence before going on, so nobody lands in a new, empty account without knowing why.
 */
export function ClaimMoved({ what, next }: { what: "phone" | "email"; next: string | null }) {
  const t = useMessages(loginMessages);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div className="stack">
      <div ref={box} tabIndex={-1} className="alert alert-info" role="status">
        {what === "phone" ? t.claimMovedPhone : t.claimMovedEmail}
      </div>
      <p>
        {/* A full load, so the next page is rendered with the new session cookie. */}
        <a className="button" href={safeNext(next)}>
          {t.continue}
        </a>
      </p>
    </div>
  );
}
