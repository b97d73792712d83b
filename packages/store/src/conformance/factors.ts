import { describe, expect, it } from "vitest";
import { CredentialTaken } from "../store";
import { aUser, newChallenge, newPasskey, newTotp, pause, rejectionOf, T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";
import { useTwoStores } from "./instances";

const sorted = <T>(values: T[]) => [...values].sort();

export function factorConformance(engine: ConformanceEngine) {
  describe("second factors", () => {
    const store = useStore(engine);

    it("inserts factors with their ids, reads them back as written, and lists the user's oldest first", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      const totpInput = newTotp(ana.id, { createdAt: T0 + 1 });
      const totp = await store().factors.insert(totpInput);
      expect(totp).toEqual({ ...totpInput, id: expect.any(Number), lastUsedAt: null });
      const passkeyInput = newPasskey(ana.id, { signCount: 4_000_000_000, createdAt: T0 });
      const passkey = await store().factors.insert(passkeyInput);
      expect(passkey).toEqual({ ...passkeyInput, id: expect.any(Number), lastUsedAt: null });
      await store().factors.insert(newPasskey(bob.id));

      expect(await store().factors.byId(totp.id)).toEqual(totp);
      expect(await store().factors.byId(passkey.id)).toEqual(passkey);
      expect(await store().factors.listOfUser(ana.id)).toEqual([passkey, totp]);
      expect(await store().factors.byId(passkey.id + totp.id + 100)).toBeUndefined();
      expect(await store().factors.listOfUser(ana.id + bob.id + 100)).toEqual([]);
    });

    it("counts only confirmed factors' kinds, each once, and confirms a pending one of its own user once", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      const totp = await store().factors.insert(newTotp(ana.id));
      expect(await store().factors.confirmedKinds(ana.id)).toEqual([]);

      expect(await store().factors.confirm(totp.id, bob.id, T0 + 5)).toBe(false);
      expect(await store().factors.confirm(totp.id, ana.id, T0 + 5)).toBe(true);
      expect(await store().factors.confirm(totp.id, ana.id, T0 + 6)).toBe(false);
      expect((await store().factors.byId(totp.id))?.confirmedAt).toBe(T0 + 5);
      expect(await store().factors.confirmedKinds(ana.id)).toEqual(["totp"]);

      await store().factors.insert(newPasskey(ana.id));
      await store().factors.insert(newPasskey(ana.id));
      await store().factors.insert(newTotp(ana.id, { confirmedAt: T0 }));
      expect(sorted(await store().factors.confirmedKinds(ana.id))).toEqual(["passkey", "totp"]);
      expect(await store().factors.confirmedKinds(bob.id)).toEqual([]);
    });

    it("finds a passkey by its credential id, whoever holds it", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      await store().factors.insert(newPasskey(ana.id));
      const bobs = await store().factors.insert(newPasskey(bob.id));
      expect(await store().factors.byCredentialId(bobs.credentialId!)).toEqual(bobs);
      expect(await store().factors.byCredentialId("no-such-credential")).toBeUndefined();
    });

    it("refuses a credential id already registered, on any account, and keeps the first; TOTP factors hold none", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      const first = await store().factors.insert(newPasskey(ana.id, { credentialId: "taken" }));
      expect(await rejectionOf(store().factors.insert(newPasskey(bob.id, { credentialId: "taken" })))).toBeInstanceOf(CredentialTaken);
      expect(await rejectionOf(store().factors.insert(newPasskey(ana.id, { credentialId: "taken" })))).toBeInstanceOf(CredentialTaken);
      expect(await store().factors.byCredentialId("taken")).toEqual(first);
      expect(await store().factors.listOfUser(bob.id)).toEqual([]);
      await store().factors.insert(newTotp(ana.id));
      await store().factors.insert(newTotp(ana.id));
      expect(await store().factors.listOfUser(ana.id)).toHaveLength(3);
    });

    it("lets a transaction go on after a CredentialTaken", async () => {
      const ana = await aUser(store());
      await store().factors.insert(newPasskey(ana.id, { credentialId: "taken" }));
      const other = await store().transaction(async (tx) => {
        expect(await rejectionOf(tx.factors.insert(newPasskey(ana.id, { credentialId: "taken" })))).toBeInstanceOf(CredentialTaken);
        return tx.factors.insert(newPasskey(ana.id, { credentialId: "free" }));
      });
      expect(await store().factors.byCredentialId("free")).toEqual(other);
    });

    it("gives one of two concurrent registrations of one credential id the factor, the other CredentialTaken", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      const results = await Promise.allSettled([
        store().factors.insert(newPasskey(ana.id, { credentialId: "raced" })),
        store().factors.insert(newPasskey(bob.id, { credentialId: "raced" })),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.reason).toBeInstanceOf(CredentialTaken);
    });

    it("accepts a TOTP step only when later than the last accepted, pending enrolment included", async () => {
      const ana = await aUser(store());
      const totp = await store().factors.insert(newTotp(ana.id));
      expect(await store().factors.useStep(totp.id, 100, T0 + 1)).toBe(true);
      expect(await store().factors.byId(totp.id)).toEqual({ ...totp, lastStep: 100, lastUsedAt: T0 + 1 });
      expect(await store().factors.useStep(totp.id, 100, T0 + 2)).toBe(false);
      expect(await store().factors.useStep(totp.id, 99, T0 + 3)).toBe(false);
      expect(await store().factors.byId(totp.id)).toMatchObject({ lastStep: 100, lastUsedAt: T0 + 1 });
      expect(await store().factors.useStep(totp.id, 101, T0 + 4)).toBe(true);
      expect(await store().factors.byId(totp.id)).toMatchObject({ lastStep: 101, lastUsedAt: T0 + 4 });

      const passkey = await store().factors.insert(newPasskey(ana.id));
      expect(await store().factors.useStep(passkey.id, 100, T0)).toBe(false);
      expect(await store().factors.useStep(totp.id + passkey.id + 100, 100, T0)).toBe(false);
    });

    it("accepts one step once when concurrent codes race for it", async () => {
      const ana = await aUser(store());
      const totp = await store().factors.insert(newTotp(ana.id, { confirmedAt: T0, lastStep: 10 }));
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => store().factors.useStep(totp.id, 11, T0 + i)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store().factors.byId(totp.id))?.lastStep).toBe(11);
    });

    it("records a passkey's use, counter and backup state", async () => {
      const ana = await aUser(store());
      const passkey = await store().factors.insert(newPasskey(ana.id, { signCount: 3, backedUp: true }));
      await store().factors.usePasskey(passkey.id, 4_000_000_001, false, T0 + 9);
      expect(await store().factors.byId(passkey.id)).toEqual({ ...passkey, signCount: 4_000_000_001, backedUp: false, lastUsedAt: T0 + 9 });
    });

    it("removes a factor for its own user only", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      const passkey = await store().factors.insert(newPasskey(ana.id));
      expect(await store().factors.remove(passkey.id, bob.id)).toBe(false);
      expect(await store().factors.byId(passkey.id)).toEqual(passkey);
      expect(await store().factors.remove(passkey.id, ana.id)).toBe(true);
      expect(await store().factors.remove(passkey.id, ana.id)).toBe(false);
      expect(await store().factors.byId(passkey.id)).toBeUndefined();
    });

    it("removes every factor of the user, counting them, and leaves the recovery codes and others' factors", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      await store().factors.insert(newPasskey(ana.id));
      await store().factors.insert(newTotp(ana.id));
      const bobs = await store().factors.insert(newTotp(bob.id));
      await store().factors.replaceRecoveryCodes(ana.id, ["r1", "r2"], T0);
      expect(await store().factors.removeAllOfUser(ana.id)).toBe(2);
      expect(await store().factors.listOfUser(ana.id)).toEqual([]);
      expect(await store().factors.confirmedKinds(ana.id)).toEqual([]);
      expect(await store().factors.listOfUser(bob.id)).toEqual([bobs]);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(2);
      expect(await store().factors.removeAllOfUser(ana.id)).toBe(0);
    });

    it("removes the user's pending TOTP enrolments only", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      await store().factors.insert(newTotp(ana.id));
      const confirmed = await store().factors.insert(newTotp(ana.id, { confirmedAt: T0 }));
      const passkey = await store().factors.insert(newPasskey(ana.id));
      const bobs = await store().factors.insert(newTotp(bob.id));
      await store().factors.removeUnconfirmed(ana.id);
      expect(await store().factors.listOfUser(ana.id)).toEqual([confirmed, passkey]);
      expect(await store().factors.listOfUser(bob.id)).toEqual([bobs]);
    });
  });

  describe("recovery codes", () => {
    const store = useStore(engine);

    it("replaces the user's codes, used or not, and uses each once", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      await store().factors.replaceRecoveryCodes(ana.id, ["a", "b", "c"], T0);
      await store().factors.replaceRecoveryCodes(bob.id, ["x"], T0);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(3);
      expect(await store().factors.useRecoveryCode(ana.id, "b", T0 + 1)).toBe(true);
      expect(await store().factors.useRecoveryCode(ana.id, "b", T0 + 2)).toBe(false);
      expect(await store().factors.useRecoveryCode(ana.id, "nope", T0 + 3)).toBe(false);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(2);

      await store().factors.replaceRecoveryCodes(ana.id, ["d", "e"], T0 + 10);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(2);
      expect(await store().factors.useRecoveryCode(ana.id, "a", T0 + 11)).toBe(false);
      expect(await store().factors.useRecoveryCode(ana.id, "d", T0 + 12)).toBe(true);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(1);
      expect(await store().factors.recoveryCodesLeft(bob.id)).toBe(1);

      await store().factors.replaceRecoveryCodes(ana.id, [], T0 + 20);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(0);
    });

    it("refuses another user's code", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      await store().factors.replaceRecoveryCodes(ana.id, ["anas"], T0);
      expect(await store().factors.useRecoveryCode(bob.id, "anas", T0 + 1)).toBe(false);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(1);
      expect(await store().factors.useRecoveryCode(ana.id, "anas", T0 + 2)).toBe(true);
    });

    it("uses a code once when concurrent uses race for it", async () => {
      const ana = await aUser(store());
      await store().factors.replaceRecoveryCodes(ana.id, ["a", "b"], T0);
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => store().factors.useRecoveryCode(ana.id, "a", T0 + i)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(1);
    });

    it("leaves one whole set of two replacements that overlap", async () => {
      const ana = await aUser(store());
      await store().factors.replaceRecoveryCodes(ana.id, ["old"], T0);
      let replaced!: () => void;
      const firstReplaced = new Promise<void>((resolve) => (replaced = resolve));
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      const first = store().transaction(async (tx) => {
        await tx.factors.replaceRecoveryCodes(ana.id, ["a1", "a2"], T0 + 1);
        // Read back, so the replacement has certainly reached the database before the second begins.
        expect(await tx.factors.recoveryCodesLeft(ana.id)).toBe(2);
        replaced();
        await committing;
      });
      await firstReplaced;
      const second = store().factors.replaceRecoveryCodes(ana.id, ["b1", "b2", "b3"], T0 + 2);
      await pause(50);
      commit();
      await Promise.all([first, second]);
      const left = await store().factors.recoveryCodesLeft(ana.id);
      const usable: string[] = [];
      for (const hash of ["old", "a1", "a2", "b1", "b2", "b3"]) if (await store().factors.useRecoveryCode(ana.id, hash, T0 + 3)) usable.push(hash);
      expect([["a1", "a2"], ["b1", "b2", "b3"]]).toContainEqual(usable);
      expect(left).toBe(usable.length);
    });

    it("keeps the old codes when the transaction replacing them fails", async () => {
      const ana = await aUser(store());
      await store().factors.replaceRecoveryCodes(ana.id, ["a", "b"], T0);
      const failure = new Error("after the replacement");
      const err = await rejectionOf(
        store().transaction(async (tx) => {
          await tx.factors.replaceRecoveryCodes(ana.id, ["n"], T0 + 1);
          throw failure;
        }),
      );
      expect(err).toBe(failure);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(2);
      expect(await store().factors.useRecoveryCode(ana.id, "n", T0 + 2)).toBe(false);
      expect(await store().factors.useRecoveryCode(ana.id, "a", T0 + 2)).toBe(true);
    });

    it("deletes the user's codes only", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      await store().factors.replaceRecoveryCodes(ana.id, ["a", "b"], T0);
      await store().factors.replaceRecoveryCodes(bob.id, ["x"], T0);
      await store().factors.removeRecoveryCodes(ana.id);
      expect(await store().factors.recoveryCodesLeft(ana.id)).toBe(0);
      expect(await store().factors.useRecoveryCode(ana.id, "a", T0 + 1)).toBe(false);
      expect(await store().factors.recoveryCodesLeft(bob.id)).toBe(1);
    });
  });

  describe("second-step tickets and passkey ceremonies", () => {
    const store = useStore(engine);

    it("are challenges that send nothing", async () => {
      const ana = await aUser(store());
      for (const purpose of ["second_factor", "webauthn"] as const) {
        const input = newChallenge({ userId: ana.id, purpose, channel: "none", destination: `user:${ana.id}` });
        expect(await store().challenges.insert(input)).toEqual({ ...input, consumedAt: null, supersededAt: null });
        expect((await store().challenges.latest(purpose, `user:${ana.id}`))?.id).toBe(input.id);
      }
    });
  });

  describe.skipIf(!engine.openTwo)("second factors on two instances", () => {
    const both = useTwoStores(engine.openTwo!);

    it("accept one TOTP step and one recovery code once, and one credential id once, when they race", async () => {
      const [a, b] = both();
      const ana = await aUser(a);
      const totp = await a.factors.insert(newTotp(ana.id, { confirmedAt: T0 }));
      const steps = await Promise.all([a.factors.useStep(totp.id, 7, T0), b.factors.useStep(totp.id, 7, T0)]);
      expect(steps.filter(Boolean)).toHaveLength(1);

      await a.factors.replaceRecoveryCodes(ana.id, ["r"], T0);
      const codes = await Promise.all([a.factors.useRecoveryCode(ana.id, "r", T0), b.factors.useRecoveryCode(ana.id, "r", T0)]);
      expect(codes.filter(Boolean)).toHaveLength(1);

      const inserts = await Promise.allSettled([
        a.factors.insert(newPasskey(ana.id, { credentialId: "raced" })),
        b.factors.insert(newPasskey(ana.id, { credentialId: "raced" })),
      ]);
      expect(inserts.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(inserts.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason).toBeInstanceOf(CredentialTaken);
    });
  });
}
