"use client";

import type { AppRouter } from "@authsvc/api";
import { FACTOR_NAME_MAX_LENGTH, isCodeShape } from "@authsvc/core/vocabulary";
import type { inferRouterOutputs } from "@trpc/server";
import { startRegistration } from "@simplewebauthn/browser";
import QRCode from "qrcode";
import { useState, type FormEvent } from "react";
import { LocalTime } from "../../src/components/account/local-time";
import { StepUp } from "../../src/components/account/step-up";
import { Field } from "../../src/components/field";
import { FormAlert } from "../../src/components/form-alert";
import { SubmitButton } from "../../src/components/submit-button";
import { accountMessages } from "../../src/i18n/account";
import { useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { fill } from "../../src/i18n/define";
import { loginMessages } from "../../src/i18n/login";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";

export type FactorsView = inferRouterOutputs<AppRouter>["security"]["factors"];

type Enrolment = { factorId: number; secret: string; qr: string };
type Mode =
  | { kind: "idle" }
  | { kind: "stepUp"; then: () => Promise<void> }
  | { kind: "enrol"; enrolment: Enrolment }
  | { kind: "namePasskey" }
  | { kind: "codes"; codes: string[] };

/** The key as an app's "enter a key" screen shows it: groups of four. */
const grouped = (secret: string) => secret.replace(/(.{4})/g, "$1 ").trim();

/**
 * The account's second factors: the authenticator app's enrolment (QR code and key, then a
 * first code), the list with removal, and recovery codes. Changes that need a fresh proof
 * (the service answers STEP_UP_REQUIRED) ask for it here, then carry on.
 */
export function SecondFactors({ initial, passkeys }: { initial: FactorsView; passkeys: boolean }) {
  const t = useMessages(accountMessages);
  const c = useMessages(common);
  const utils = api.useUtils();
  const factors = api.security.factors.useQuery(undefined, { initialData: initial });
  const start = api.security.startTotp.useMutation();
  const confirm = api.security.confirmTotp.useMutation();
  const remove = api.security.removeFactor.useMutation();
  const regenerate = api.security.regenerateRecoveryCodes.useMutation();
  const startPasskey = api.security.startPasskey.useMutation();
  const finishPasskey = api.security.finishPasskey.useMutation();
  const [mode, setMode] = useState<Mode>({ kind: "idle" });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const view = factors.data ?? initial;
  const hasTotp = view.factors.some((f) => f.kind === "totp");
  const hasPasskey = view.factors.some((f) => f.kind === "passkey");

  /** Runs a change; when it needs a fresh proof, asks for one and runs it again after. */
  async function guarded(action: () => Promise<void>) {
    setProblem(null);
    setNotice(null);
    try {
      await action();
    } catch (err) {
      const p = toProblem(err, c);
      if (p.code === "STEP_UP_REQUIRED") setMode({ kind: "stepUp", then: action });
      else setProblem(p);
    }
    await utils.security.factors.invalidate();
  }

  const startTotp = () =>
    guarded(async () => {
      const started = await start.mutateAsync({ name: t.kind_totp });
      const qr = await QRCode.toDataURL(started.uri, { margin: 1, width: 220 });
      setMode({ kind: "enrol", enrolment: { factorId: started.factorId, secret: started.secret, qr } });
    });

  const addPasskey = (name: string) =>
    guarded(async () => {
      const { ceremonyId, options } = await startPasskey.mutateAsync();
      let response;
      try {
        response = await startRegistration({ optionsJSON: options });
      } catch (err) {
        // The person closed the browser's prompt, or this browser has no way to make one.
        if (err instanceof Error && (err.name === "NotAllowedError" || err.name === "InvalidStateError")) return;
        throw err;
      }
      const done = await finishPasskey.mutateAsync({ ceremonyId, response, name });
      setNotice(t.passkeyAdded);
      setMode(done.recoveryCodes ? { kind: "codes", codes: done.recoveryCodes } : { kind: "idle" });
    });

  const removeFactor = (factorId: number) =>
    guarded(async () => {
      await remove.mutateAsync({ factorId });
      setMode({ kind: "idle" });
      setNotice(t.factorRemoved);
    });

  const newCodes = () =>
    guarded(async () => {
      const made = await regenerate.mutateAsync();
      setMode({ kind: "codes", codes: made.recoveryCodes });
    });

  if (mode.kind === "stepUp") {
    return <StepUp hasTotp={hasTotp} hasPasskey={hasPasskey} onProved={() => void mode.then()} onCancel={() => setMode({ kind: "idle" })} />;
  }
  if (mode.kind === "namePasskey") {
    return (
      <NamePasskey
        busy={startPasskey.isPending || finishPasskey.isPending}
        onCancel={() => setMode({ kind: "idle" })}
        onName={(name) => {
          setMode({ kind: "idle" });
          void addPasskey(name);
        }}
      />
    );
  }
  if (mode.kind === "codes") {
    return (
      <div className="stack">
        <h3>{t.recoveryTitle}</h3>
        <p>{t.recoveryIntro}</p>
        <ol className="recovery-codes" aria-label={t.recoveryTitle}>
          {mode.codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <button type="button" className="primary" onClick={() => setMode({ kind: "idle" })}>
          {t.recoverySaved}
        </button>
      </div>
    );
  }
  if (mode.kind === "enrol") {
    return (
      <ConfirmTotp
        enrolment={mode.enrolment}
        busy={confirm.isPending}
        onCancel={() => setMode({ kind: "idle" })}
        onConfirm={async (code) => {
          const done = await confirm.mutateAsync({ factorId: mode.enrolment.factorId, code });
          await utils.security.factors.invalidate();
          setNotice(t.factorAdded);
          setMode(done.recoveryCodes ? { kind: "codes", codes: done.recoveryCodes } : { kind: "idle" });
        }}
      />
    );
  }

  return (
    <div className="stack">
      <p>{t.factorsIntro}</p>
      {view.factors.length === 0 ? (
        <p>{t.noFactors}</p>
      ) : (
        <ul className="stack" aria-label={t.factorsTitle}>
          {view.factors.map((f) => (
            <li key={f.id} className="card">
              <strong>{f.name}</strong> · {f.kind === "totp" ? t.kind_totp : t.kind_passkey}
              <div className="muted">
                {t.addedOn} <LocalTime at={f.createdAt} /> · {f.lastUsedAt ? <>{t.lastUsed} <LocalTime at={f.lastUsedAt} /></> : t.neverUsed}
              </div>
              <button type="button" className="secondary" onClick={() => void removeFactor(f.id)} disabled={remove.isPending}>
                {t.removeFactor} <span className="sr-only">{f.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {view.factors.length > 0 ? (
        <p>
          {fill(t.recoveryLeft, { n: view.recoveryCodesLeft })}{" "}
          <button type="button" className="link" onClick={() => void newCodes()} disabled={regenerate.isPending}>
            {t.newRecoveryCodes}
          </button>
        </p>
      ) : null}
      <div role="status">{notice}</div>
      <FormAlert>{problem?.message}</FormAlert>
      <p>
        {passkeys ? (
          <button type="button" onClick={() => setMode({ kind: "namePasskey" })} disabled={startPasskey.isPending || finishPasskey.isPending}>
            {startPasskey.isPending || finishPasskey.isPending ? c.working : t.addPasskey}
          </button>
        ) : null}{" "}
        {hasTotp ? null : (
          <button type="button" onClick={() => void startTotp()} disabled={start.isPending}>
            {start.isPending ? c.working : t.addTotp}
          </button>
        )}
      </p>
    </div>
  );
}

/** A passkey's name, so the list tells a laptop's from a phone's; the browser's prompt comes after. */
function NamePasskey({ busy, onName, onCancel }: { busy: boolean; onName(name: string): void; onCancel(): void }) {
  const t = useMessages(accountMessages);
  const c = useMessages(common);
  const [name, setName] = useState(t.passkeyDefaultName);
  const [error, setError] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const typed = name.trim();
    if (!typed) return setError(c.required);
    if (typed.length > FACTOR_NAME_MAX_LENGTH) return setError(fill(t.passkeyNameLong, { max: FACTOR_NAME_MAX_LENGTH }));
    onName(typed);
  }

  return (
    <form method="post" onSubmit={submit} noValidate className="stack" aria-labelledby="name-passkey-title">
      <h3 id="name-passkey-title">{t.addPasskey}</h3>
      <Field
        label={t.passkeyName}
        name="passkeyName"
        autoComplete="off"
        required
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setError(null);
        }}
        hint={t.passkeyNameHint}
        error={error}
      />
      <SubmitButton busy={busy} busyLabel={c.working}>
        {t.passkeyCreate}
      </SubmitButton>
      <button type="button" className="link" onClick={onCancel}>
        {t.cancel}
      </button>
    </form>
  );
}

/** The QR code and key of a new enrolment, and the first code that confirms it. */
function ConfirmTotp({
  enrolment,
  busy,
  onConfirm,
  onCancel,
}: {
  enrolment: Enrolment;
  busy: boolean;
  onConfirm(code: string): Promise<void>;
  onCancel(): void;
}) {
  const t = useMessages(accountMessages);
  const l = useMessages(loginMessages);
  const c = useMessages(common);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const typed = code.trim();
    if (!isCodeShape(typed)) {
      setError(typed ? l.authenticatorFormat : c.required);
      return;
    }
    setError(null);
    try {
      await onConfirm(typed);
    } catch (err) {
      setProblem(toProblem(err, c));
    }
  }

  return (
    <form method="post" onSubmit={submit} noValidate className="stack">
      <p>{t.totpScan}</p>
      <img className="qr" src={enrolment.qr} alt={t.totpQrAlt} width={220} height={220} />
      <p>
        {t.totpKey}: <code data-testid="totp-key">{grouped(enrolment.secret)}</code>
      </p>
      <Field
        label={t.totpCode}
        name="totp"
        autoComplete="one-time-code"
        inputMode="numeric"
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={error}
      />
      <FormAlert>{problem?.message}</FormAlert>
      <SubmitButton busy={busy} busyLabel={c.working}>
        {t.totpConfirm}
      </SubmitButton>
      <button type="button" className="link" onClick={onCancel}>
        {t.cancel}
      </button>
    </form>
  );
}
