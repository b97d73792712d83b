import { isUserId } from "@authsvc/core";

/**
 * A user id written in a path or a query (family 000's `{id}`, family 001's `userId`): the
 * number, or undefined when no row can have it (not digits, 0, past the stored integer
 * range). Every door answers undefined as an unknown id, and never asks the store: past int4
 * PostgreSQL refuses the query itself.
 */
export function parseUserId(raw: string | null | undefined): number | undefined {
  if (!raw || !/^\d{1,15}$/.test(raw)) return undefined;
  const id = Number(raw);
  return isUserId(id) ? id : undefined;
}
