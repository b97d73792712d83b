"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { USER_ROLES, type UserRole } from "@authsvc/core/vocabulary";
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
import { SelectField } from "./select-field";
import { useUserIdField } from "./user-id-field";
import styles from "./audit.module.css";

/** admin.setRole: the service refuses one's own role (FORBIDDEN) and unknown accounts (USER_NOT_FOUND). */
export function RoleForm({ selfId }: { selfId: number }) {
  const t = useMessages(adminMessages);
  const c = useMessages(common);
  const router = useRouter();
  const setRole = api.admin.setRole.useMutation();
  const form = useRef<HTMLFormElement>(null);
  const [role, setRoleChoice] = useState<UserRole>("user");
  const userId = useUserIdField();
  const [alert, setAlert] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useFocusInvalid(form, userId.focusAt);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (setRole.isPending) return;
    setDone(null);
    setAlert(null);
    const id = userId.read();
    if (id === null) return;
    try {
      const user = await setRole.mutateAsync({ userId: id, role });
      const who = user.email ?? user.username ?? (user.phone ? readableContact(user.phone) : null) ?? user.fullName ?? `#${user.id}`;
      setDone(fill(t.roleDone, { id: user.id, who, role: t[`role_${user.role}`] }));
      // The change is in the log now: show it.
      router.refresh();
    } catch (err) {
      const p = toProblem(err, c);
      // A problem with the account named goes on its field (focused, and read out with it); the rest above the button.
      if (p.code === "FORBIDDEN" && id === selfId) userId.fail(t.roleOwn);
      else if (p.code === "USER_NOT_FOUND") userId.fail(fill(t.roleNoUser, { id }));
      else if (p.fields.userId) userId.fail(p.fields.userId);
      else setAlert(p.code === "FORBIDDEN" ? t.roleForbidden : p.message);
    }
  }

  return (
    <form ref={form} method="post" onSubmit={submit} noValidate className="stack">
      <div className={styles.roleGrid}>
        {userId.field({ name: "userId", hint: fill(t.roleUserIdHint, { id: selfId }) })}
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
