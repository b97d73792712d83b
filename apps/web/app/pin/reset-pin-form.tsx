"use client";

import { useRef, useState } from "react";
import { CodeEntry } from "../../src/components/code-entry";
import { PinField } from "../../src/components/account/pin-field";
import { useFocusInvalid } from "../../src/components/use-focus-invalid";
import { common } from "../../src/i18n/common";
import { pinMessages } from "../../src/i18n/pin";
import { useLocale, useMessages } from "../../src/i18n/client";
import { toProblem } from "../../src/trpc/errors";
import { api } from "../../src/trpc/react";
import { checkNewPin, pinRefusal, type NewPinErrors } from "./pin-rules";

/** The reset code and the new PIN together: pin.reset, which also lifts a lock. */
export function ResetPinForm({ destination, resendIn, onDone }: { destination: string; resendIn: number; onDone(): void }) {
  const t = useMessages(pinMessages);
  const c = useMessages(common);
  const locale = useLocale();
  const request = api.pin.requestReset.useMutation();
  const reset = api.pin.reset.useMutation();
  const [pin, setPin] = useState("");
  const [again, setAgain] = useState("");
  const [errors, setErrors] = useState<NewPinErrors>({});
  const box = useRef<HTMLDivElement>(null);
  useFocusInvalid(box, errors);

  async function verify(code: string) {
    const local = checkNewPin(pin, again, t);
    setErrors(local);
    if (Object.keys(local).length) return false;
    try {
      await reset.mutateAsync({ code, pin });
    } catch (err) {
      const refusal = pinRefusal(toProblem(err, c), t);
      if (!refusal) throw err;
      setErrors({ pin: refusal });
      return false;
    }
    onDone();
  }

  return (
    <div ref={box}>
      <CodeEntry
        destination={destination}
        resendIn={resendIn}
        onVerify={verify}
        onResend={async () => (await request.mutateAsync({ locale })).resendIn}
        submitLabel={t.resetSubmit}
      >
        <PinField label={t.newPin} name="pin" value={pin} onChange={setPin} hint={t.pinHint} error={errors.pin} />
        <PinField label={t.newPinAgain} name="pinAgain" value={again} onChange={setAgain} error={errors.again} />
      </CodeEntry>
    </div>
  );
}
