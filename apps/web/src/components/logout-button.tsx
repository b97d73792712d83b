"use client";

import { common } from "../i18n/common";
import { useMessages } from "../i18n/client";
import { api } from "../trpc/react";

export function LogoutButton() {
  const t = useMessages(common);
  const logout = api.auth.logout.useMutation({ onSettled: () => window.location.assign("/login") });
  return (
    <button type="button" className="link" onClick={() => logout.mutate()} disabled={logout.isPending}>
      {t.logout}
    </button>
  );
}
