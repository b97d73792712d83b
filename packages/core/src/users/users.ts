import { randomInt } from "node:crypto";
import { credentials, eq, sql, users, type User } from "@authsvc/db";
import type { AuthContext } from "../context";
import { randomDigits } from "../crypto/secrets";
import { AuthError } from "../errors";
import { classifyIdentifier, normalizeUsername } from "./normalize";
import { preparedFor } from "../prepared";

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

// Every token check, login and code send looks a user up: prepared once, not rebuilt per call.
const queries = preparedFor((db) => ({
  byId: db.select().from(users).where(eq(users.id, sql.placeholder("id"))).prepare(),
  byEmail: db.select().from(users).where(eq(users.email, sql.placeholder("email"))).prepare(),
  byPhone: db.select().from(users).where(eq(users.phone, sql.placeholder("phone"))).prepare(),
  byUsername: db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${sql.placeholder("username")})`)
    .prepare(),
  credentials: db.select().from(credentials).where(eq(credentials.userId, sql.placeholder("userId"))).prepare(),
  customerNumberTaken: db.select({ id: users.id }).from(users).where(eq(users.customerNumber, sql.placeholder("n"))).prepare(),
  accountNumberTaken: db.select({ id: users.id }).from(users).where(eq(users.accountNumber, sql.placeholder("n"))).prepare(),
  insertCredentials: db
    .insert(credentials)
    .values({ userId: sql.placeholder("userId"), passwordHash: sql.placeholder("passwordHash"), passwordChangedAt: sql.placeholder("passwordChangedAt") })
    .prepare(),
}));

export const findUserById = (ctx: AuthContext, id: number): User | undefined => queries(ctx).byId.get({ id });

export const findUserByEmail = (ctx: AuthContext, email: string): User | undefined => queries(ctx).byEmail.get({ email });

export const findUserByPhone = (ctx: AuthContext, phone: string): User | undefined => queries(ctx).byPhone.get({ phone });

export const findUserByUsername = (ctx: AuthContext, username: string): User | undefined =>
  queries(ctx).byUsername.get({ username });

/** The user a typed username names (any case, `@` or not); none for one no user can have. */
export function findUserByTypedUsername(ctx: AuthContext, typed: string): User | undefined {
  let username: string;
  try {
    username = normalizeUsername(typed);
  } catch {
    return undefined;
  }
  return findUserByUsername(ctx, username);
}

/** An email, phone number or username typed into one box, read as what it is, and its user if any. */
export function findUserByIdentifier(ctx: AuthContext, identifier: string) {
  const id = classifyIdentifier(identifier, ctx.options);
  const user =
    id.kind === "email" ? findUserByEmail(ctx, id.value) : id.kind === "phone" ? findUserByPhone(ctx, id.value) : findUserByUsername(ctx, id.value);
  return { kind: id.kind, value: id.value, user };
}

/** Throws the first taken field among email, phone and username. */
export function assertAvailable(ctx: AuthContext, a: Pick<NewAccount, "email" | "phone" | "username">): void {
  if (a.email && findUserByEmail(ctx, a.email)) throw new AuthError("EMAIL_TAKEN", { field: "email" });
  if (a.phone && findUserByPhone(ctx, a.phone)) throw new AuthError("PHONE_TAKEN", { field: "phone" });
  if (a.username && findUserByUsername(ctx, a.username)) throw new AuthError("USERNAME_TAKEN", { field: "username" });
}

function uniqueNumber(make: () => string, taken: (v: string) => boolean): string {
  for (let i = 0; i < 20; i++) {
    const v = make();
    if (!taken(v)) return v;
  }
  throw new Error("could not allocate a unique account number");
}

const nonZeroLead = (length: number) => String(randomInt(1, 10)) + randomDigits(length - 1);

/**
 * Creates the user and its credentials row. Must run inside the caller's transaction:
 * availability is checked and the row written in the same one, so no half-created user.
 */
export function createUser(ctx: AuthContext, account: NewAccount): User {
  assertAvailable(ctx, account);
  const now = ctx.now();
  const customerNumber = Number(
    uniqueNumber(() => nonZeroLead(12), (v) => Boolean(queries(ctx).customerNumberTaken.get({ n: Number(v) }))),
  );
  const accountNumber = uniqueNumber(() => nonZeroLead(10), (v) => Boolean(queries(ctx).accountNumberTaken.get({ n: v })));
  const { passwordHash, ...profile } = account;
  const user = ctx.db
    .insert(users)
    .values({
      ...profile,
      role: account.role ?? "user",
      status: account.status ?? "ACTIVE",
      customerNumber,
      accountNumber,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  queries(ctx).insertCredentials.run({ userId: user.id, passwordHash: passwordHash ?? null, passwordChangedAt: passwordHash ? now : null });
  return user;
}

export function updateUser(ctx: AuthContext, id: number, patch: Partial<Omit<User, "id" | "createdAt">>): User {
  const user = ctx.db
    .update(users)
    .set({ ...patch, updatedAt: ctx.now() })
    .where(eq(users.id, id))
    .returning()
    .get();
  if (!user) throw new AuthError("USER_NOT_FOUND");
  return user;
}

export const getCredentials = (ctx: AuthContext, userId: number) => queries(ctx).credentials.get({ userId });

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
