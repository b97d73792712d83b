import { describe, expect, it } from "vitest";
import { newChallenge, newToken, rejectionOf, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

/** Every message of an error and of the errors it was caused by. */
function messagesOf(err: unknown): string {
  const messages: string[] = [];
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) messages.push(e.message);
  return messages.join("\n");
}

export function failureConformance(engine: ConformanceEngine) {
  describe("failures", () => {
    const store = useStore(engine);

    // A failed call's error is logged by whoever gets it; the values it was called with are
    // emails, token and code hashes, a pending sign-up's password hash.
    it("a failed call's error names none of the values it was given", async () => {
      // A working store whose database then goes away (closed here, a server down in production).
      await store().users.byEmail("warm-up@example.com");
      await store().close();
      const failures = await Promise.all([
        rejectionOf(store().users.byEmail("leak-email@example.com")),
        rejectionOf(store().tokens.byHash("leak-token-hash")),
        rejectionOf(store().challenges.insert(newChallenge({ codeHash: "leak-code-hash", payload: { passwordHash: "leak-password-hash" } }))),
        rejectionOf(store().tokens.insert(newToken(1, { tokenHash: "leak-token-hash" }))),
      ]);
      for (const err of failures) {
        expect(err).toBeInstanceOf(Error);
        expect(messagesOf(err)).not.toMatch(/leak-/);
      }
    });
  });
}
