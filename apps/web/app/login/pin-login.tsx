"use client";

import { useRef, useState, type FormEvent } from "react";
import { isPinShape, PIN_LENGTH } from "@authsvc/core/vocabulary";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { WaitSubmit } from "../../src/components/auth/wait-submit";
import { Field } from "../../src/components/field";
import { FormAlert } from "../../src/components/form-alert";
import { useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { safeNext } from "../../src/i18n/locale";
import { loginMessages } from "../../src/i18n/login";
import { secondStepTicket, type SecondStepTicket } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { useRefusal } from "./refusal";
import { SecondStep } from "./second-step";

export function PinLogin({ next }: { next: string | null }) {
  const t = useMessages(loginMessages);
  const c = useMessages(common);
  const login = api.auth.loginWithPin.useMutation();
  const refusal = useRefusal();
  const form = useRef<HTMLFormElement>(null);
  const [username, setUsername] = useState("");
  const [pin, setPin] = useState("");
  const [invalid, setInvalid] = useState<{ username?: string; pin?: string; at?: object }>({});
  const [leaving, setLeaving] = useState(false);
  // Set when the PIN was right and the account has a second factor.
  const [ticket, setTicket] = useState<SecondStepTicket | null>(null);
  useFocusInvalid(form, invalid.at);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (login.isPending || leaving) return;
    refusal.clear();
    const found = {
      username: username.trim() ? undefined : c.required,
      pin: !pin ? c.required : isPinShape(pin) ? undefined : t.pinFormat,
    };
    if (found.username || found.pin) {
      setInvalid({ ...found, at: {} });
      return;
    }
    setInvalid({});
    try {
      await login.mutateAsync({ username, pin, delivery: "cookie" });
      setLeaving(true);
      window.location.assign(safeNext(next));
    } catch (err) {
      setTicket(secondStepTicket(err));
      refusal.fail(err);
    }
  }

  if (ticket) {
    const restart = () => {
      setTicket(null);
      setPin("");
      refusal.clear();
    };
    return <SecondStep step={ticket} next={next} onRestart={restart} />;
  }
  const p = refusal.problem;
  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      <Field
        label={t.username}
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={username}
        onChange={(e) => {
          setUsername(e.target.value);
          refusal.edited();
        }}
        error={invalid.username}
      />
      <Field
        label={t.pin}
        name="pin"
        type="password"
        inputMode="numeric"
        pattern="[0-9]*"
        maxLength={PIN_LENGTH}
        // A PIN is not the account password: keep password managers from offering or saving it.
        autoComplete="off"
        required
        value={pin}
        onChange={(e) => setPin(e.target.value.replace(/\D/g, "").slice(0, PIN_LENGTH))}
        hint={t.pinHint}
        error={invalid.pin}
      />
      <FormAlert>{p?.code === "INVALID_CREDENTIALS" ? t.badPin : p?.message}</FormAlert>
      <WaitSubmit busy={login.isPending || leaving} busyLabel={c.working} waitUntil={refusal.waitUntil} waitLabel={refusal.waitLabel}>
        {t.submit}
      </WaitSubmit>
      <p className="muted">{t.pinNoUsername}</p>
    </form>
  );
}
