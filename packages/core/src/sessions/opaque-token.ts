import { and, eq, isNull, opaqueTokens, sql, type OpaqueToken } from "@authsvc/db";
import type { AuthContext } from "../context";
import { randomToken, sha256 } from "../crypto/secrets";
import { preparedFor } from "../prepared";

// Every family 001 bearer and web cookie check reads its token row: prepared once.
const queries = preparedFor((db) => ({
  byHash: db.select().from(opaqueTokens).where(eq(opaqueTokens.tokenHash, sql.placeholder("hash"))).prepare(),
}));

export type OpaqueKind = OpaqueToken["kind"];

/** 256 random bits; only their SHA-256 is stored, so a copy of the database grants nothing. */
export function issueOpaqueToken(
  ctx: AuthContext,
  input: { kind: OpaqueKind; userId: number; sessionId: string | null; ttlSec: number },
): { token: string; expiresAt: number } {
  const token = randomToken(32);
  const now = ctx.now();
  const expiresAt = now + input.ttlSec * 1000;
  ctx.db
    .insert(opaqueTokens)
    .values({ tokenHash: sha256(token), kind: input.kind, userId: input.userId, sessionId: input.sessionId, createdAt: now, expiresAt })
    .run();
  return { token, expiresAt };
}

/** The stored row of a live token; the lookup is by hash, an index probe, not a compare. */
export function findOpaqueToken(ctx: AuthContext, token: string): OpaqueToken | undefined {
  const row = queries(ctx).byHash.get({ hash: sha256(token) });
  if (!row || row.usedAt !== null || row.expiresAt <= ctx.now()) return undefined;
  return row;
}

/** Marks a single-use token used; false when another request used it first. */
export function useOpaqueToken(ctx: AuthContext, id: number): boolean {
  return (
    ctx.db
      .update(opaqueTokens)
      .set({ usedAt: ctx.now() })
      .where(and(eq(opaqueTokens.id, id), isNull(opaqueTokens.usedAt)))
      .run().changes === 1
  );
}
