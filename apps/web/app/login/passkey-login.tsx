"use client";

import { browserSupportsWebAuthnAutofill, type AuthenticationResponseJSON } from "@simplewebauthn/browser";
import { useEffect, useRef, useState } from "react";
import { FormAlert } from "../../src/components/form-alert";
import { askPasskey, passkeyFromAutofill } from "../../src/components/passkeys";
import { useMessages } from "../../src/i18n/client";
import { common } from "../../src/i18n/common";
import { safeNext } from "../../src/i18n/locale";
import { loginMessages } from "../../src/i18n/login";
import { toProblem, type ApiProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";

/**
 * A sign-in with a passkey and no username: the button asks the browser for this site's
 * passkeys, and where the browser can, they are also offered in the username field's
 * autofill (that field's autocomplete ends in "webauthn") from the moment the page opens.
 */
export function PasskeyLogin({ next }: { next: string | null }) {
  const t = useMessages(loginMessages);
  const c = useMessages(common);
  const options = api.auth.passkeyOptions.useMutation();
  const login = api.auth.loginWithPasskey.useMutation();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [leaving, setLeaving] = useState(false);
  const autofillAsked = useRef(false);

  async function finish(ceremonyId: string, response: AuthenticationResponseJSON) {
    try {
      await login.mutateAsync({ ceremonyId, response, delivery: "cookie" });
      setLeaving(true);
      window.location.assign(safeNext(next));
    } catch (err) {
      setProblem(toProblem(err, c));
    }
  }

  async function signIn() {
    setProblem(null);
    try {
      const { ceremonyId, options: optionsJSON } = await options.mutateAsync();
      const response = await askPasskey(optionsJSON);
      if (response) await finish(ceremonyId, response);
    } catch (err) {
      setProblem(toProblem(err, c));
    }
  }

  useEffect(() => {
    // Once per page: the request stays open until the person picks a passkey or another prompt replaces it.
    if (autofillAsked.current) return;
    autofillAsked.current = true;
    void (async () => {
      if (!(await browserSupportsWebAuthnAutofill())) return;
      // Nobody asked for this one: a refusal (the requester's limit, say) says nothing, and the button still works.
      const started = await options.mutateAsync().catch(() => null);
      const response = started && (await passkeyFromAutofill(started.options).catch(() => null));
      if (started && response) await finish(started.ceremonyId, response);
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one request per page, not per render
  }, []);

  const busy = login.isPending || leaving;
  return (
    <div className="stack after-form">
      <button type="button" className="secondary" onClick={() => void signIn()} disabled={busy} aria-busy={busy || undefined}>
        {busy ? c.working : t.passkeyLogin}
      </button>
      <FormAlert>{problem?.message}</FormAlert>
    </div>
  );
}
