import { describe, expect, it } from "vitest";
import { UniqueConflict } from "../store";
import { aUser, newSession, newUser, rejectionOf, T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

export function userConformance(engine: ConformanceEngine) {
  describe("users", () => {
    const store = useStore(engine);

    it("creates a user with its id and finds it by id, email, phone, username and account", async () => {
      const input = newUser({ email: "ana@example.com", phone: "+628123456789", username: "Ana_B", fullName: "Ana B", bio: "hi" });
      const user = await store().users.create(input, null);
      expect(user).toEqual({ ...input, id: expect.any(Number) });
      expect(await store().users.byId(user.id)).toEqual(user);
      expect(await store().users.byEmail("ana@example.com")).toEqual(user);
      expect(await store().users.byPhone("+628123456789")).toEqual(user);
      expect(await store().users.byAccount(input.customerNumber, input.accountNumber)).toEqual(user);
    });

    it("finds a username in any case", async () => {
      const user = await aUser(store(), { username: "Ana_B" });
      expect((await store().users.byUsername("ana_b"))?.id).toBe(user.id);
      expect((await store().users.byUsername("ANA_B"))?.id).toBe(user.id);
    });

    it("answers undefined for what no user has", async () => {
      const user = await aUser(store(), { email: "ana@example.com" });
      expect(await store().users.byId(user.id + 1000)).toBeUndefined();
      expect(await store().users.byEmail("bob@example.com")).toBeUndefined();
      expect(await store().users.byPhone("+620000")).toBeUndefined();
      expect(await store().users.byUsername("nobody")).toBeUndefined();
      // Both numbers must be the user's own.
      expect(await store().users.byAccount(user.customerNumber, "0000000000")).toBeUndefined();
    });

    it("answers undefined for a value holding U+0000 (typed into a request), rather than failing", async () => {
      const user = await aUser(store(), { email: "ana@example.com", username: "ana" });
      const session = await store().sessions.insert(newSession(user.id));
      expect(await store().users.byEmail("ana@example.com\u0000")).toBeUndefined();
      expect(await store().users.byUsername("ana\u0000")).toBeUndefined();
      expect(await store().users.byPhone("\u0000")).toBeUndefined();
      expect(await store().users.byAccount(user.customerNumber, "\u0000")).toBeUndefined();
      expect(await store().challenges.byId("\u0000")).toBeUndefined();
      expect(await store().challenges.latest("login", "\u0000")).toBeUndefined();
      expect(await store().sessions.byId(`${session.id}\u0000`)).toBeUndefined();
      expect(await store().tokens.byHash("\u0000")).toBeUndefined();
    });

    it("says which customer and account numbers are taken", async () => {
      const user = await aUser(store());
      expect(await store().users.numberTaken("customerNumber", user.customerNumber)).toBe(true);
      expect(await store().users.numberTaken("customerNumber", user.customerNumber + 1)).toBe(false);
      expect(await store().users.numberTaken("accountNumber", user.accountNumber)).toBe(true);
      expect(await store().users.numberTaken("accountNumber", "9999999999")).toBe(false);
    });

    it("creates the credentials row with the password hash, or an empty one", async () => {
      const withPassword = await store().users.create(newUser(), { hash: "argon-hash", at: T0 + 5 });
      const without = await store().users.create(newUser(), null);
      expect(await store().credentials.get(withPassword.id)).toEqual({
        userId: withPassword.id,
        passwordHash: "argon-hash",
        passwordChangedAt: T0 + 5,
        pinHash: null,
        pinChangedAt: null,
        pinFailures: 0,
        pinLockedAt: null,
      });
      expect(await store().credentials.get(without.id)).toEqual({
        userId: without.id,
        passwordHash: null,
        passwordChangedAt: null,
        pinHash: null,
        pinChangedAt: null,
        pinFailures: 0,
        pinLockedAt: null,
      });
    });

    it("lets any number of users have no email, phone or username", async () => {
      await aUser(store());
      await aUser(store());
      await aUser(store());
      expect(await store().users.byEmail("x@example.com")).toBeUndefined();
    });

    // The new user's other number must not be taken afterwards: a refused create leaves nothing behind.
    it.each([
      ["email", { email: "ana@example.com" }, { email: "ana@example.com" }, "accountNumber"],
      ["phone", { phone: "+628123" }, { phone: "+628123" }, "accountNumber"],
      ["username", { username: "Ana" }, { username: "aNA" }, "accountNumber"],
      ["customerNumber", { customerNumber: 123_456_789_012 }, { customerNumber: 123_456_789_012 }, "accountNumber"],
      ["accountNumber", { accountNumber: "5555555555" }, { accountNumber: "5555555555" }, "customerNumber"],
    ] as const)("refuses a second user with the same %s, naming the field, and keeps no half of it", async (field, first, second, untaken) => {
      await aUser(store(), first);
      const other = newUser(second);
      const err = await rejectionOf(store().users.create(other, { hash: "h", at: T0 }));
      expect(err).toBeInstanceOf(UniqueConflict);
      expect((err as UniqueConflict).field).toBe(field);
      expect(await store().users.numberTaken(untaken, other[untaken])).toBe(false);
    });

    it("gives one user and one UniqueConflict('email') to two concurrent creates of one email", async () => {
      const results = await Promise.allSettled([
        store().users.create(newUser({ email: "race@example.com" }), { hash: "a", at: T0 }),
        store().users.create(newUser({ email: "race@example.com" }), { hash: "b", at: T0 }),
      ]);
      const ok = results.filter((r) => r.status === "fulfilled");
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reason).toBeInstanceOf(UniqueConflict);
      expect((failed[0]!.reason as UniqueConflict).field).toBe("email");
      const winner = (ok[0] as PromiseFulfilledResult<{ id: number }>).value;
      expect((await store().users.byEmail("race@example.com"))?.id).toBe(winner.id);
      expect((await store().credentials.get(winner.id))?.passwordHash).toMatch(/^[ab]$/);
    });

    it("updates the given fields only and returns the row", async () => {
      const user = await aUser(store(), { email: "ana@example.com", fullName: "Ana" });
      const updated = await store().users.update(user.id, { role: "admin", bio: "new", emailVerifiedAt: T0 + 1, updatedAt: T0 + 2 });
      expect(updated).toEqual({ ...user, role: "admin", bio: "new", emailVerifiedAt: T0 + 1, updatedAt: T0 + 2 });
      expect(await store().users.byId(user.id)).toEqual(updated);
    });

    it("can set a field back to null", async () => {
      const user = await aUser(store(), { email: "ana@example.com", phone: "+62811" });
      const updated = await store().users.update(user.id, { phone: null, updatedAt: T0 + 1 });
      expect(updated?.phone).toBeNull();
      expect(await store().users.byPhone("+62811")).toBeUndefined();
    });

    it("answers undefined when updating no such user", async () => {
      expect(await store().users.update(424242, { bio: "x", updatedAt: T0 })).toBeUndefined();
    });

    it("refuses an update to a taken phone, naming the field, and changes nothing", async () => {
      await aUser(store(), { phone: "+62811" });
      const user = await aUser(store(), { phone: "+62822", bio: "before" });
      const err = await rejectionOf(store().users.update(user.id, { phone: "+62811", bio: "after", updatedAt: T0 + 1 }));
      expect(err).toBeInstanceOf(UniqueConflict);
      expect((err as UniqueConflict).field).toBe("phone");
      expect(await store().users.byId(user.id)).toEqual(user);
    });

    it("refuses an update to a username taken in another case", async () => {
      await aUser(store(), { username: "ana" });
      const user = await aUser(store(), { username: "bob" });
      const err = await rejectionOf(store().users.update(user.id, { username: "ANA", updatedAt: T0 + 1 }));
      expect((err as UniqueConflict).field).toBe("username");
    });
  });

  describe("credentials", () => {
    const store = useStore(engine);

    it("answers undefined for a user with no row", async () => {
      expect(await store().credentials.get(9999)).toBeUndefined();
    });

    it("sets a password hash and when", async () => {
      const user = await aUser(store());
      await store().credentials.setPassword(user.id, "new-hash", T0 + 9);
      expect(await store().credentials.get(user.id)).toMatchObject({ passwordHash: "new-hash", passwordChangedAt: T0 + 9 });
    });

    it("clears a password: no hash, no time", async () => {
      const user = await aUser(store());
      await store().credentials.setPassword(user.id, "new-hash", T0 + 9);
      await store().credentials.clearPassword(user.id);
      expect(await store().credentials.get(user.id)).toMatchObject({ passwordHash: null, passwordChangedAt: null });
    });

    it("sets a PIN unless locked, clearing the failure count", async () => {
      const user = await aUser(store());
      await store().credentials.resetPin(user.id, "pin-1", T0);
      expect(await store().credentials.reservePinTry(user.id, 5)).toEqual({ failures: 1, hash: "pin-1" });
      expect(await store().credentials.setPinIfUnlocked(user.id, "pin-2", T0 + 1)).toBe(true);
      expect(await store().credentials.get(user.id)).toMatchObject({ pinHash: "pin-2", pinChangedAt: T0 + 1, pinFailures: 0, pinLockedAt: null });

      await store().credentials.lockPin(user.id, T0 + 2);
      expect(await store().credentials.setPinIfUnlocked(user.id, "pin-3", T0 + 3)).toBe(false);
      expect(await store().credentials.get(user.id)).toMatchObject({ pinHash: "pin-2", pinChangedAt: T0 + 1, pinLockedAt: T0 + 2 });
    });

    it("resets a PIN and lifts its lock", async () => {
      const user = await aUser(store());
      await store().credentials.resetPin(user.id, "pin-1", T0);
      await store().credentials.reservePinTry(user.id, 5);
      await store().credentials.lockPin(user.id, T0 + 1);
      await store().credentials.resetPin(user.id, "pin-2", T0 + 2);
      expect(await store().credentials.get(user.id)).toMatchObject({ pinHash: "pin-2", pinChangedAt: T0 + 2, pinFailures: 0, pinLockedAt: null });
    });

    it("reserves a PIN try only while a PIN is set, unlocked and under the limit", async () => {
      const user = await aUser(store());
      expect(await store().credentials.reservePinTry(user.id, 3)).toBeUndefined();
      expect((await store().credentials.get(user.id))?.pinFailures).toBe(0);
      await store().credentials.resetPin(user.id, "pin", T0);
      expect(await store().credentials.reservePinTry(user.id, 3)).toEqual({ failures: 1, hash: "pin" });
      expect(await store().credentials.reservePinTry(user.id, 3)).toEqual({ failures: 2, hash: "pin" });
      expect(await store().credentials.reservePinTry(user.id, 3)).toEqual({ failures: 3, hash: "pin" });
      expect(await store().credentials.reservePinTry(user.id, 3)).toBeUndefined();
      expect((await store().credentials.get(user.id))?.pinFailures).toBe(3);
      await store().credentials.clearPinFailures(user.id);
      expect((await store().credentials.get(user.id))?.pinFailures).toBe(0);
      await store().credentials.lockPin(user.id, T0 + 1);
      expect(await store().credentials.reservePinTry(user.id, 3)).toBeUndefined();
      expect((await store().credentials.get(user.id))?.pinFailures).toBe(0);
    });

    it("never lets concurrent PIN tries past the limit", async () => {
      const user = await aUser(store());
      await store().credentials.resetPin(user.id, "pin", T0);
      const tries = await Promise.all(Array.from({ length: 50 }, () => store().credentials.reservePinTry(user.id, 5)));
      const reserved = tries.filter((t) => t !== undefined);
      expect(reserved.map((t) => t.failures).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      expect((await store().credentials.get(user.id))?.pinFailures).toBe(5);
    });

    it("lifts a lock or a failure count once, saying whether there was one", async () => {
      const user = await aUser(store());
      expect(await store().credentials.liftPinLock(user.id)).toBe(false);
      await store().credentials.resetPin(user.id, "pin", T0);
      await store().credentials.reservePinTry(user.id, 5);
      expect(await store().credentials.liftPinLock(user.id)).toBe(true);
      expect((await store().credentials.get(user.id))?.pinFailures).toBe(0);
      expect(await store().credentials.liftPinLock(user.id)).toBe(false);
      await store().credentials.lockPin(user.id, T0 + 1);
      expect(await store().credentials.liftPinLock(user.id)).toBe(true);
      expect(await store().credentials.get(user.id)).toMatchObject({ pinHash: "pin", pinFailures: 0, pinLockedAt: null });
    });
  });
}
