"use client";

import type { AppRouter } from "@authsvc/api";
import type { inferRouterOutputs } from "@trpc/server";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { LocalTime } from "../../../src/components/account/local-time";
import { StepUp } from "../../../src/components/account/step-up";
import { FormAlert } from "../../../src/components/form-alert";
import { SubmitButton } from "../../../src/components/submit-button";
import { useFocusInvalid } from "../../../src/components/use-focus-invalid";
import { adminMessages } from "../../../src/i18n/admin";
import { useMessages } from "../../../src/i18n/client";
import { common } from "../../../src/i18n/common";
import { fill } from "../../../src/i18n/define";
import { toProblem } from "../../../src/trpc/errors";
import { api } from "../../../src/trpc/react";
import { useUserIdField } from "./user-id-field";
import styles from "./audit.module.css";

type FactorsView = inferRouterOutputs<AppRouter>["admin"]["factors"];

/**
 * admin.factors and admin.resetFactors: an account's factors (each look is audited, so each
 * "Show" asks the service again), and their reset, confirmed, after the admin's own step-up.
 */
export function AccountFactors({ self }: { self: { hasTotp: boolean; hasPasskey: boolean } }) {
  const t = useMessages(adminMessages);
  const c = useMessages(common);
  const router = useRouter();
  const { client } = api.useUtils();
  const reset = api.admin.resetFactors.useMutation();
  const form = useRef<HTMLFormElement>(null);
  const userId = useUserIdField();
  const [loading, setLoading] = useState(false);
  const [shown, setShown] = useState<{ id: number; view: FactorsView } | null>(null);
  const [stage, setStage] = useState<"list" | "confirm" | "stepUp">("list");
  const [alert, setAlert] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useFocusInvalid(form, userId.focusAt);

  async function load(id: number) {
    setShown({ id, view: await client.admin.factors.query({ userId: id }) });
    // The look is in the log now.
    router.refresh();
  }

  async function show(e: FormEvent) {
    e.preventDefault();
    if (loading) return;
    setDone(null);
    setAlert(null);
    setStage("list");
    const id = userId.read();
    if (id === null) return;
    setLoading(true);
    try {
      await load(id);
    } catch (err) {
      const p = toProblem(err, c);
      setShown(null);
      if (p.code === "USER_NOT_FOUND") userId.fail(fill(t.roleNoUser, { id }));
      else setAlert(p.code === "FORBIDDEN" ? t.factorsForbidden : p.message);
    } finally {
      setLoading(false);
    }
  }

  async function resetAll(id: number) {
    setAlert(null);
    try {
      const { removed } = await reset.mutateAsync({ userId: id });
      setStage("list");
      setDone(fill(t.factorsResetDone, { id, n: removed }));
      await load(id);
    } catch (err) {
      const p = toProblem(err, c);
      if (p.code === "STEP_UP_REQUIRED") return setStage("stepUp");
      setStage("list");
      setAlert(p.code === "FORBIDDEN" ? t.factorsForbidden : p.message);
    }
  }

  return (
    <div className="stack">
      <form ref={form} method="post" onSubmit={show} noValidate className="stack">
        <div className={styles.roleGrid}>
          {userId.field({ name: "factorsUserId" })}
        </div>
        <div>
          <SubmitButton busy={loading} busyLabel={c.working}>
            {t.factorsShow}
          </SubmitButton>
        </div>
      </form>
      <FormAlert>{alert}</FormAlert>
      <FormAlert kind="success">{done}</FormAlert>
      {shown ? (
        <div className="stack" aria-live="polite">
          <p>
            {shown.view.factors.length === 0
              ? fill(t.factorsNone, { id: shown.id })
              : fill(t.factorsOf, { id: shown.id, n: shown.view.factors.length, codes: shown.view.recoveryCodesLeft })}
          </p>
          {shown.view.factors.length > 0 ? (
            <ul className="stack" aria-label={fill(t.factorsOf, { id: shown.id, n: shown.view.factors.length, codes: shown.view.recoveryCodesLeft })}>
              {shown.view.factors.map((f) => (
                <li key={f.id} className="card">
                  <strong>{f.name}</strong> · {t[`factorKind_${f.kind}`]}
                  <div className="muted">
                    {t.factorAdded} <LocalTime at={f.createdAt} /> ·{" "}
                    {f.lastUsedAt ? (
                      <>
                        {t.factorLastUsed} <LocalTime at={f.lastUsedAt} />
                      </>
                    ) : (
                      t.factorNeverUsed
                    )}
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
          {shown.view.factors.length === 0 && shown.view.recoveryCodesLeft === 0 ? null : stage === "stepUp" ? (
            <StepUp hasTotp={self.hasTotp} hasPasskey={self.hasPasskey} onProved={() => void resetAll(shown.id)} onCancel={() => setStage("list")} />
          ) : stage === "confirm" ? (
            <div className="stack" role="group" aria-label={fill(t.factorsReset, { id: shown.id })}>
              <p>{fill(t.factorsResetConfirm, { id: shown.id })}</p>
              <div className={styles.actions}>
                <button type="button" className="danger" onClick={() => void resetAll(shown.id)} disabled={reset.isPending}>
                  {reset.isPending ? c.working : t.factorsResetYes}
                </button>
                <button type="button" className="link" onClick={() => setStage("list")}>
                  {t.factorsResetNo}
                </button>
              </div>
            </div>
          ) : (
            <div>
              <button type="button" className="secondary" onClick={() => setStage("confirm")}>
                {fill(t.factorsReset, { id: shown.id })}
              </button>
            </div>
          )}
        </div>
      ) : null}
    </div>
  );
}
