"use client";

import { useState } from "react";
import { FormAlert } from "../../src/components/form-alert";
import { askPasskey } from "../../src/components/passkeys";
import { useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { safeNext } from "../../src/i18n/locale";
import { loginMessages } from "../../src/i18n/login";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";

/** A sign-in with a passkey and no username: the browser offers this site's passkeys. */
export function PasskeyLogin({ next }: { next: string | null }) {
  const t = useMessages(loginMessages);
  const c = useMessages(common);
  const options = api.auth.passkeyOptions.useMutation();
  const login = api.auth.loginWithPasskey.useMutation();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [leaving, setLeaving] = useState(false);

  async function signIn() {
    setProblem(null);
    try {
      const { ceremonyId, options: optionsJSON } = await options.mutateAsync();
      const response = await askPasskey(optionsJSON);
      if (!response) return;
      await login.mutateAsync({ ceremonyId, response, delivery: "cookie" });
      setLeaving(true);
      window.location.assign(safeNext(next));
    } catch (err) {
      setProblem(toProblem(err, c));
    }
  }

  const busy = options.isPending || login.isPending || leaving;
  return (
    <div className="stack">
      <button type="button" className="secondary" onClick={() => void signIn()} disabled={busy} aria-busy={busy || undefined}>
        {busy ? c.working : t.passkeyLogin}
      </button>
      <FormAlert>{problem?.message}</FormAlert>
    </div>
  );
}
