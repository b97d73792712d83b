import { describe, expect, it } from "vitest";
import { authError, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";

async function setup() {
  const t = createTestAuth();
  const boss = await signUp(t.auth, { email: "boss@example.com", username: "boss" });
  const ana = await signUp(t.auth, { email: "ana@example.com", username: "ana" });
  return { ...t, boss, ana };
}

describe("admin role", () => {
  it("is granted from the command line only to an existing account", async () => {
    const { auth } = await setup();
    expect((await authError((auth.grantAdminFromCli("nobody@example.com")))).code).toBe("USER_NOT_FOUND");
    expect((await auth.grantAdminFromCli("BOSS")).role).toBe("admin");
    const [row] = await auth.ctx.store.audit.list({ kind: "role_changed", limit: 1 });
    expect(row!.detail).toMatchObject({ from: "user", to: "admin", by: "cli" });
  });

  it("can be given by an admin to another user, never taken by asking", async () => {
    const { auth, boss, ana } = await setup();
    const anaP = (await auth.authenticate(ana.token));
    expect((await authError((auth.setUserRole(anaP, ana.user.id, "admin")))).code).toBe("FORBIDDEN");
    (await auth.grantAdminFromCli("boss"));
    const bossP = (await auth.authenticate(boss.token));
    expect((await auth.setUserRole(bossP, ana.user.id, "admin")).role).toBe("admin");
    expect((await authError((auth.setUserRole(bossP, boss.user.id, "user")))).code).toBe("FORBIDDEN");
    expect((await authError((auth.setUserRole(bossP, 9999, "user")))).code).toBe("USER_NOT_FOUND");
  });
});

describe("audit log", () => {
  it("is read by admins only, newest first, filtered by user, kind and time, a page at a time", async () => {
    const { auth, boss, ana } = await setup();
    expect((await authError(auth.listAuditEvents(await auth.authenticate(ana.token), {}))).code).toBe("FORBIDDEN");
    (await auth.grantAdminFromCli("boss"));
    const admin = (await auth.authenticate(boss.token));
    await authError(auth.loginWithPassword({ identifier: "ana@example.com", password: "wrong password!!" }, { type: "jwt" }));

    const all = (await auth.listAuditEvents(admin, {}));
    expect(all.events.length).toBeGreaterThan(4);
    expect(all.events.map((e) => e.id)).toEqual([...all.events.map((e) => e.id)].sort((a, b) => b - a));

    const anas = (await auth.listAuditEvents(admin, { userId: ana.user.id }));
    expect(anas.events.every((e) => e.userId === ana.user.id)).toBe(true);
    const failed = (await auth.listAuditEvents(admin, { kind: "login_failed" }));
    expect(failed.events).toHaveLength(1);
    expect(failed.events[0]).toMatchObject({ userId: ana.user.id, outcome: "fail" });

    const future = (await auth.listAuditEvents(admin, { from: Date.now() + 60_000 }));
    expect(future.events).toEqual([]);

    const first = (await auth.listAuditEvents(admin, { limit: 2 }));
    expect(first.events).toHaveLength(2);
    const second = (await auth.listAuditEvents(admin, { limit: 2, before: first.nextBefore! }));
    expect(second.events[0]!.id).toBeLessThan(first.events[1]!.id);
  });
});
