"use client";

import { useId, useRef, useState, type KeyboardEvent } from "react";
import { useMessages } from "../../src/i18n/client";
import { loginMessages } from "../../src/i18n/login";
import { METHODS, type Method } from "./methods";
import { PasswordLogin } from "./password-login";
import { PhoneLogin } from "./phone-login";
import { PinLogin } from "./pin-login";

/** The WAI-ARIA tabs pattern: one tab stop, arrows/Home/End move and select, panels keep their state. */
export function LoginTabs({ initial, next, passkeys }: { initial: Method; next: string | null; passkeys: boolean }) {
  const t = useMessages(loginMessages);
  const base = useId();
  const [method, setMethod] = useState<Method>(initial);
  const tabs = useRef<Partial<Record<Method, HTMLButtonElement | null>>>({});
  const labels: Record<Method, string> = { password: t.tabPassword, phone: t.tabPhone, pin: t.tabPin };

  function select(m: Method) {
    setMethod(m);
    const url = new URL(window.location.href);
    url.searchParams.set("method", m);
    // No server round trip for a tab; Next keeps its router state through a native replaceState.
    window.history.replaceState(null, "", `${url.pathname}${url.search}`);
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const i = METHODS.indexOf(method);
    const to =
      e.key === "ArrowRight" ? METHODS[(i + 1) % METHODS.length]
      : e.key === "ArrowLeft" ? METHODS[(i + METHODS.length - 1) % METHODS.length]
      : e.key === "Home" ? METHODS[0]
      : e.key === "End" ? METHODS[METHODS.length - 1]
      : undefined;
    if (!to) return;
    e.preventDefault();
    select(to);
    tabs.current[to]?.focus();
  }

  return (
    <div>
      <div role="tablist" aria-label={t.methods} className="tabs" onKeyDown={onKeyDown}>
        {METHODS.map((m) => (
          <button
            key={m}
            ref={(el) => {
              tabs.current[m] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${m}`}
            aria-selected={m === method}
            aria-controls={`${base}-panel-${m}`}
            tabIndex={m === method ? 0 : -1}
            onClick={() => select(m)}
          >
            {labels[m]}
          </button>
        ))}
      </div>
      {METHODS.map((m) => (
        // Hidden rather than unmounted, so switching tabs does not lose what was typed.
        <div key={m} role="tabpanel" id={`${base}-panel-${m}`} aria-labelledby={`${base}-tab-${m}`} hidden={m !== method}>
          {m === "password" ? <PasswordLogin next={next} passkeys={passkeys} /> : m === "phone" ? <PhoneLogin next={next} /> : <PinLogin next={next} />}
        </div>
      ))}
    </div>
  );
}
