import type { OpaqueKind, OpaqueToken } from "@authsvc/store";
import type { AuthContext } from "../context";
import { randomToken, sha256 } from "../crypto/secrets";

export type { OpaqueKind };

/** 256 random bits; only their SHA-256 is stored, so a copy of the database grants nothing. */
export async function issueOpaqueToken(
  ctx: AuthContext,
  input: { kind: OpaqueKind; userId: number; sessionId: string | null; ttlSec: number },
): Promise<{ token: string; expiresAt: number }> {
  const token = randomToken(32);
  const now = ctx.now();
  const expiresAt = now + input.ttlSec * 1000;
  await ctx.store.tokens.insert({ tokenHash: sha256(token), kind: input.kind, userId: input.userId, sessionId: input.sessionId, createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** The stored row of a live token; the lookup is by hash, an index probe, not a compare. */
export async function findOpaqueToken(ctx: AuthContext, token: string): Promise<OpaqueToken | undefined> {
  const row = await ctx.store.tokens.byHash(sha256(token));
  if (!row || row.usedAt !== null || row.expiresAt <= ctx.now()) return undefined;
  return row;
}

/** Marks a single-use token used; false when another request used it first. */
export function useOpaqueToken(ctx: AuthContext, id: number): Promise<boolean> {
  return ctx.store.tokens.use(id, ctx.now());
}
