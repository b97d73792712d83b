"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { USER_ROLES, type UserRole } from "@authsvc/core/vocabulary";
import { Field } from "../../../src/components/field";
import { FormAlert } from "../../../src/components/form-alert";
import { SubmitButton } from "../../../src/components/submit-button";
import { readableContact } from "../../../src/components/readable-contact";
import { useFocusInvalid } from "../../../src/components/use-focus-invalid";
import { adminMessages } from "../../../src/i18n/admin";
import { useMessages } from "../../../src/i18n/client";
import { common } from "../../../src/i18n/common";
import { fill } from "../../../src/i18n/define";
import { toProblem } from "../../../src/trpc/errors";
import { api } from "../../../src/trpc/react";
import { POSITIVE_INT } from "./query";
import { SelectField } from "./select-field";
import styles from "./audit.module.css";

/** admin.setRole: the service refuses one's own role (FORBIDDEN) and unknown accounts (USER_NOT_FOUND). */
export function RoleForm({ selfId }: { selfId: number }) {
  const t = useMessages(adminMessages);
  const c = useMessages(common);
  const router = useRouter();
  const setRole = api.admin.setRole.useMutation();
  const form = useRef<HTMLFormElement>(null);
  const [userId, setUserId] = useState("");
  const [role, setRoleChoice] = useState<UserRole>("user");
  const [fieldError, setFieldError] = useState<{ message: string; at: object } | null>(null);
  const [alert, setAlert] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useFocusInvalid(form, fieldError?.at);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (setRole.isPending) return;
    setDone(null);
    setAlert(null);
    const raw = userId.trim();
    if (!raw) return setFieldError({ message: c.required, at: {} });
    if (!POSITIVE_INT.test(raw)) return setFieldError({ message: t.userIdWhole, at: {} });
    setFieldError(null);
    const id = Number(raw);
    try {
      const user = await setRole.mutateAsync({ userId: id, role });
      const who = user.email ?? user.username ?? (user.phone ? readableContact(user.phone) : null) ?? user.fullName ?? `#${user.id}`;
      setDone(fill(t.roleDone, { id: user.id, who, role: t[`role_${user.role}`] }));
      // The change is in the log now: show it.
      router.refresh();
    } catch (err) {
      const p = toProblem(err, c);
      // A problem with the account named goes on its field (focused, and read out with it); the rest above the button.
      if (p.code === "FORBIDDEN" && id === selfId) setFieldError({ message: t.roleOwn, at: {} });
      else if (p.code === "USER_NOT_FOUND") setFieldError({ message: fill(t.roleNoUser, { id }), at: {} });
      else if (p.fields.userId) setFieldError({ message: p.fields.userId, at: {} });
      else setAlert(p.code === "FORBIDDEN" ? t.roleForbidden : p.message);
    }
  }

  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      <div className={styles.roleGrid}>
        <Field
          label={t.roleUserId}
          name="userId"
          inputMode="numeric"
          autoComplete="off"
          required
          value={userId}
          onChange={(e) => {
            setUserId(e.target.value);
            setFieldError(null);
          }}
          hint={fill(t.roleUserIdHint, { id: selfId })}
          error={fieldError?.message}
        />
        <SelectField label={t.role} name="role" value={role} onChange={(e) => setRoleChoice(e.target.value as UserRole)}>
          {USER_ROLES.map((r) => (
            <option key={r} value={r}>
              {t[`role_${r}`]}
            </option>
          ))}
        </SelectField>
      </div>
      <FormAlert>{alert}</FormAlert>
      <FormAlert kind="success">{done}</FormAlert>
      <div>
        <SubmitButton busy={setRole.isPending} busyLabel={c.working}>
          {t.roleSubmit}
        </SubmitButton>
      </div>
    </form>
  );
}
