"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { StepUp } from "../../../src/components/account/step-up";
import { FormAlert } from "../../../src/components/form-alert";
import { adminAppsMessages } from "../../../src/i18n/admin-apps";
import { useMessages } from "../../../src/i18n/client";
import { common } from "../../../src/i18n/common";
import { fill } from "../../../src/i18n/define";
import { toProblem } from "../../../src/trpc/errors";
import { api } from "../../../src/trpc/react";

/** Revoke, confirmed, after the admin's own step-up when the last proof is not recent. */
export function RevokeApp({ clientId, name, self }: { clientId: string; name: string; self: { hasTotp: boolean; hasPasskey: boolean } }) {
  const t = useMessages(adminAppsMessages);
  const c = useMessages(common);
  const router = useRouter();
  const revoke = api.admin.revokeOidcClient.useMutation();
  const [stage, setStage] = useState<"idle" | "confirm" | "stepUp">("idle");
  const [alert, setAlert] = useState<string | null>(null);

  async function confirm() {
    setAlert(null);
    try {
      await revoke.mutateAsync({ clientId });
      setStage("idle");
      router.refresh();
    } catch (err) {
      const p = toProblem(err, c);
      if (p.code === "STEP_UP_REQUIRED") return setStage("stepUp");
      setStage("idle");
      setAlert(p.code === "NOT_FOUND" ? t.gone : p.message);
      router.refresh();
    }
  }

  return (
    <div className="stack">
      <FormAlert>{alert}</FormAlert>
      {stage === "idle" ? (
        <div>
          <button type="button" className="danger" onClick={() => setStage("confirm")}>
            {t.revoke}
          </button>
        </div>
      ) : null}
      {stage === "confirm" ? (
        <div className="stack" role="group" aria-label={t.revoke}>
          <p>{fill(t.confirmRevoke, { name })}</p>
          <div className="resend">
            <button type="button" className="danger" disabled={revoke.isPending} onClick={() => void confirm()}>
              {t.confirm}
            </button>
            <button type="button" className="secondary" onClick={() => setStage("idle")}>
              {t.cancel}
            </button>
          </div>
        </div>
      ) : null}
      {stage === "stepUp" ? <StepUp hasTotp={self.hasTotp} hasPasskey={self.hasPasskey} onProved={() => void confirm()} onCancel={() => setStage("idle")} /> : null}
    </div>
  );
}
