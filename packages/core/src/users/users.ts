import { randomInt } from "node:crypto";
import { UniqueConflict, type Credentials, type User } from "@authsvc/store";
import type { AuthContext } from "../context";
import { randomDigits } from "../crypto/secrets";
import { AuthError } from "../errors";
import { classifyIdentifier, normalizeUsername } from "./normalize";

export type UserRole = User["role"];
export type UserStatus = User["status"];

export interface NewAccount {
  email?: string | null;
  phone?: string | null;
  username?: string | null;
  fullName?: string | null;
  birthDate?: string | null;
  bio?: string | null;
  pictureUrl?: string | null;
  role?: UserRole;
  status?: UserStatus;
  emailVerifiedAt?: number | null;
  phoneVerifiedAt?: number | null;
  passwordHash?: string | null;
}

/** A control character other than tab and line breaks: no name, date, bio or link holds one. */
const hasControl = (text: string) =>
  [...text].some((ch) => {
    const c = ch.codePointAt(0)!;
    return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f;
  });

/**
 * Refuses profile text with control characters (INVALID_INPUT naming the field): they have no
 * meaning there, and U+0000 is one that PostgreSQL cannot store at all.
 */
export function assertProfileText(profile: Partial<Record<"fullName" | "birthDate" | "bio" | "pictureUrl", string | null | undefined>>): void {
  for (const [field, value] of Object.entries(profile)) {
    if (typeof value === "string" && hasControl(value)) throw new AuthError("INVALID_INPUT", { field }, "This text cannot hold control characters.");
  }
}

/**
 * The largest user id any row can have: PostgreSQL stores user ids as `integer` (int4), and
 * SQLite hands them out the same way, one by one from 1.
 */
export const MAX_USER_ID = 2_147_483_647;

/** Whether some row could have this id: an integer from 1 to MAX_USER_ID. */
export const isUserId = (id: unknown): id is number => typeof id === "number" && Number.isInteger(id) && id >= 1 && id <= MAX_USER_ID;

/**
 * Undefined for an id no row can have, without asking the store: past int4 PostgreSQL refuses
 * the query itself (a 500), where an unknown id must be an unknown id on either engine.
 */
export const findUserById = (ctx: AuthContext, id: number): Promise<User | undefined> =>
  isUserId(id) ? ctx.store.users.byId(id) : Promise.resolve(undefined);

export const findUserByEmail = (ctx: AuthContext, email: string): Promise<User | undefined> => ctx.store.users.byEmail(email);

export const findUserByPhone = (ctx: AuthContext, phone: string): Promise<User | undefined> => ctx.store.users.byPhone(phone);

export const findUserByUsername = (ctx: AuthContext, username: string): Promise<User | undefined> => ctx.store.users.byUsername(username);

/** The user a typed username names (any case, `@` or not); none for one no user can have. */
export async function findUserByTypedUsername(ctx: AuthContext, typed: string): Promise<User | undefined> {
  let username: string;
  try {
    username = normalizeUsername(typed);
  } catch {
    return undefined;
  }
  return findUserByUsername(ctx, username);
}

/** An email, phone number or username typed into one box, read as what it is, and its user if any. */
export async function findUserByIdentifier(ctx: AuthContext, identifier: string) {
  const id = classifyIdentifier(identifier, ctx.options);
  const user = await (id.kind === "email"
    ? findUserByEmail(ctx, id.value)
    : id.kind === "phone"
      ? findUserByPhone(ctx, id.value)
      : findUserByUsername(ctx, id.value));
  return { kind: id.kind, value: id.value, user };
}

/** Throws the first taken field among email, phone and username. */
export async function assertAvailable(ctx: AuthContext, a: Pick<NewAccount, "email" | "phone" | "username">): Promise<void> {
  if (a.email && (await findUserByEmail(ctx, a.email))) throw new AuthError("EMAIL_TAKEN", { field: "email" });
  if (a.phone && (await findUserByPhone(ctx, a.phone))) throw new AuthError("PHONE_TAKEN", { field: "phone" });
  if (a.username && (await findUserByUsername(ctx, a.username))) throw new AuthError("USERNAME_TAKEN", { field: "username" });
}

async function uniqueNumber(make: () => string, taken: (v: string) => Promise<boolean>): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const v = make();
    if (!(await taken(v))) return v;
  }
  throw new Error("could not allocate a unique account number");
}

const nonZeroLead = (length: number) => String(randomInt(1, 10)) + randomDigits(length - 1);

const TAKEN = { email: "EMAIL_TAKEN", phone: "PHONE_TAKEN", username: "USERNAME_TAKEN" } as const;

/** A unique index refused the write (a concurrent sign-up got there first): the same answer as the check before it. */
function takenError(err: unknown): unknown {
  if (err instanceof UniqueConflict && err.field in TAKEN) {
    const field = err.field as keyof typeof TAKEN;
    return new AuthError(TAKEN[field], { field });
  }
  return err;
}

/**
 * Creates the user and its credentials row. Runs inside the caller's transaction:
 * availability is checked and the row written in the same one, so no half-created user; a
 * concurrent sign-up that wins the race still gets the other one the same 409.
 */
export async function createUser(ctx: AuthContext, account: NewAccount): Promise<User> {
  await assertAvailable(ctx, account);
  return insertUser(ctx, account);
}

/**
 * `createUser` for a caller that has just looked its identifiers up itself: the unique
 * indexes still refuse a concurrent sign-up that got there first, with the same error.
 */
export async function insertUser(ctx: AuthContext, account: NewAccount): Promise<User> {
  const now = ctx.now();
  const customerNumber = Number(await uniqueNumber(() => nonZeroLead(12), (v) => ctx.store.users.numberTaken("customerNumber", Number(v))));
  const accountNumber = await uniqueNumber(() => nonZeroLead(10), (v) => ctx.store.users.numberTaken("accountNumber", v));
  const { passwordHash, ...profile } = account;
  try {
    return await ctx.store.users.create(
      {
        email: profile.email ?? null,
        phone: profile.phone ?? null,
        username: profile.username ?? null,
        fullName: profile.fullName ?? null,
        birthDate: profile.birthDate ?? null,
        bio: profile.bio ?? null,
        pictureUrl: profile.pictureUrl ?? null,
        role: account.role ?? "user",
        status: account.status ?? "ACTIVE",
        customerNumber,
        accountNumber,
        emailVerifiedAt: profile.emailVerifiedAt ?? null,
        phoneVerifiedAt: profile.phoneVerifiedAt ?? null,
        createdAt: now,
        updatedAt: now,
      },
      passwordHash ? { hash: passwordHash, at: now } : null,
    );
  } catch (err) {
    throw takenError(err);
  }
}

export async function updateUser(ctx: AuthContext, id: number, patch: Partial<Omit<User, "id" | "createdAt">>): Promise<User> {
  let user: User | undefined;
  try {
    user = await ctx.store.users.update(id, { ...patch, updatedAt: ctx.now() });
  } catch (err) {
    throw takenError(err);
  }
  if (!user) throw new AuthError("USER_NOT_FOUND");
  return user;
}

export const getCredentials = (ctx: AuthContext, userId: number): Promise<Credentials | undefined> => ctx.store.credentials.get(userId);

/** Roles a user may act as: everybody holds user and customer; admin is only granted. */
export function rolesHeld(user: Pick<User, "role">): UserRole[] {
  return user.role === "admin" ? ["user", "customer", "admin"] : ["user", "customer"];
}

/** What any client may see of a user: never a hash, never a secret. */
export function publicUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    phone: user.phone,
    username: user.username,
    fullName: user.fullName,
    birthDate: user.birthDate,
    bio: user.bio,
    pictureUrl: user.pictureUrl,
    role: user.role,
    status: user.status,
    customerId: user.customerNumber,
    accountNumber: user.accountNumber,
    emailVerified: user.emailVerifiedAt !== null,
    phoneVerified: user.phoneVerifiedAt !== null,
    emailVerifiedAt: user.emailVerifiedAt,
    phoneVerifiedAt: user.phoneVerifiedAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
export type PublicUser = ReturnType<typeof publicUser>;
