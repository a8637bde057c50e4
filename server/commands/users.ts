import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { and, count, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { sessions, users } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { User } from '../schemas/api.ts';

// OWASP's argon2id baseline (19 MiB, 2 passes); the library's default is heavier than a login needs.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
// Verified against when the email is unknown, so a wrong address costs as long as a wrong password.
let dummyHash: Promise<string> | null = null;

function toUser(row: typeof users.$inferSelect): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Creates a staff account; the password is stored only as an argon2id hash. */
export async function addUser(
  db: Db,
  input: { email: string; name?: string; password: string; role?: 'admin' | 'staff'; canApprove?: boolean },
  now: Date,
): Promise<User> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email))
    throw new AppError('invalid_email', 400, `not an email address: ${input.email}`);
  if (input.password.length < 8)
    throw new AppError('weak_password', 400, 'password must be at least 8 characters');
  const passwordHash = await argon2.hash(input.password, HASH_OPTIONS);
  const existing = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  if (existing) throw new AppError('user_exists', 409, `a user with email ${email} already exists`);
  const row = db
    .insert(users)
    .values({
      email,
      name: input.name?.trim() || email.split('@')[0]!,
      role: input.role ?? 'staff',
      canApprove: input.canApprove ?? false,
      passwordHash,
      createdAt: now,
    })
    .returning()
    .get();
  return toUser(row);
}

export interface StaffAccess {
  id: number;
  email: string;
  name: string;
  role: 'admin' | 'staff';
  canApprove: boolean;
}

function toStaffAccess(row: typeof users.$inferSelect): StaffAccess {
  return { id: row.id, email: row.email, name: row.name, role: row.role, canApprove: row.canApprove };
}

/**
 * Changes an account's role or its right to approve replies. No event: neither shows on anyone
 * else's screen, and the officer's own tabs read them when they load their profile. Whoever calls
 * this has checked that the actor may (the CLI runs with the database's owner's rights).
 */
export function setStaffAccess(
  db: Db,
  target: { id: number } | { email: string },
  changes: { role?: 'admin' | 'staff'; canApprove?: boolean },
): StaffAccess {
  return db.transaction((tx) => {
    const row = tx
      .select()
      .from(users)
      .where('id' in target ? eq(users.id, target.id) : eq(users.email, normalizeEmail(target.email)))
      .get();
    if (!row)
      throw new AppError(
        'not_found',
        404,
        'id' in target
          ? `no user with id ${target.id}`
          : `no user with email ${normalizeEmail(target.email)}`,
      );
    if (row.role === 'admin' && changes.role === 'staff') {
      const [admins] = tx.select({ n: count() }).from(users).where(eq(users.role, 'admin')).all();
      // Someone must always be able to manage accounts and reply settings.
      if ((admins?.n ?? 0) <= 1)
        throw new AppError(
          'last_admin',
          409,
          `${row.email} is the only admin; make someone else admin first`,
        );
    }
    const set: Partial<typeof users.$inferInsert> = {};
    if (changes.role !== undefined) set.role = changes.role;
    if (changes.canApprove !== undefined) set.canApprove = changes.canApprove;
    if (Object.keys(set).length === 0) return toStaffAccess(row);
    return toStaffAccess(tx.update(users).set(set).where(eq(users.id, row.id)).returning().get()!);
  });
}

/** Creates the first admin from config when the user table is empty; a no-op otherwise. */
export async function ensureFirstAdmin(
  db: Db,
  admin: { email: string; password: string } | null,
  now: Date,
): Promise<User | null> {
  if (!admin) return null;
  const [row] = db.select({ n: count() }).from(users).all();
  if ((row?.n ?? 0) > 0) return null;
  return addUser(db, { email: admin.email, password: admin.password, role: 'admin', name: 'Admin' }, now);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Checks a password and opens a session; the same error for unknown email and wrong password. */
export async function login(
  db: Db,
  email: string,
  password: string,
  options: { now: Date; sessionDays: number },
): Promise<{ token: string; user: User; expiresAt: Date }> {
  const row = db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .get();
  dummyHash ??= argon2.hash(randomBytes(16).toString('hex'), HASH_OPTIONS);
  const ok = await argon2.verify(row?.passwordHash ?? (await dummyHash), password).catch(() => false);
  if (!row || !ok) throw new AppError('invalid_credentials', 401, 'wrong email or password');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(options.now.getTime() + options.sessionDays * 86_400_000);
  db.delete(sessions).where(lt(sessions.expiresAt, options.now)).run();
  db.insert(sessions)
    .values({ tokenHash: hashToken(token), userId: row.id, createdAt: options.now, expiresAt })
    .run();
  return { token, user: toUser(row), expiresAt };
}

/** The user behind a session token, or null when it is unknown or expired. */
export function userForSession(db: Db, token: string, now: Date): User | null {
  const row = db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, now)))
    .get();
  return row ? toUser(row.user) : null;
}

export function logout(db: Db, token: string): void {
  db.delete(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)))
    .run();
}
