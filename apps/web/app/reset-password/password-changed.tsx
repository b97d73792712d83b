"use client";

import { useEffect, useRef } from "react";
import { FormAlert } from "../../src/components/form-alert";
import { resetMessages } from "../../src/i18n/reset";
import { useMessages } from "../../src/i18n/client";

/** Every session, this one included, is gone: the only way on is to log in again. */
export function PasswordChanged() {
  const t = useMessages(resetMessages);
  const login = useRef<HTMLAnchorElement>(null);
  // The form that had focus is gone; put it on the one thing to do next.
  useEffect(() => login.current?.focus(), []);
  return (
    <div className="stack">
      <FormAlert kind="success">{t.done}</FormAlert>
      <p>
        {/* A full load: the header must stop showing a session that no longer exists. */}
        <a href="/login" ref={login}>
          {t.login}
        </a>
      </p>
    </div>
  );
}
