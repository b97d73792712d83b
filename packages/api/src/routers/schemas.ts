import { CODE_LENGTH, isCodeShape } from "@authsvc/core/vocabulary";
import { z } from "zod";

// Shapes only; the rules (policy, normalisation) live in core and answer with core errors.
export const email = z.string().trim().min(3).max(254);
export const phone = z.string().trim().min(4).max(32);
export const password = z.string().min(1).max(1024);
export const code = z.string().trim().refine(isCodeShape, `A code is ${CODE_LENGTH} digits.`);
export const username = z.string().trim().min(1).max(64);
export const identifier = z.string().trim().min(1).max(254);
export const optionalText = (max: number) => z.string().trim().max(max).optional().nullable();
export const birthDate = z.iso.date().optional().nullable();
export const locale = z.enum(["en", "id"]).optional();
/** A sign-in's second-step ticket (`id.secret`), as SECOND_FACTOR_REQUIRED gave it. */
export const ticket = z.string().trim().min(1).max(200);
/** A recovery code as typed: any case, with or without its dash. */
export const recoveryCode = z.string().trim().min(1).max(32);
/** A factor's id, as `security.factors` lists it. */
export const factorId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
