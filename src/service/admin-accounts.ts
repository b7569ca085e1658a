import { randomBytes } from 'node:crypto';
import { invalidCredentials } from '../errors.js';
import { isUniqueViolation } from '../storage/kysely/executor.js';
import type { CredentialStore } from '../storage/storage.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { generateToken, hashToken } from './tokens.js';
import type { ApiToken, User } from '../domain.js';

export const ADMIN_USERNAME = 'admin';
const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** Checked when the user is unknown, so a wrong username costs as long as a wrong password. */
const DECOY_HASH = await hashPassword(randomBytes(16).toString('hex'));

/**
 * Creates the `admin` account at first start. Returns the password when Latch generated it (the
 * caller prints it once), or undefined when the account existed or the password was given.
 */
export async function ensureAdmin(
  store: CredentialStore,
  configuredPassword: string | undefined,
): Promise<{ generatedPassword: string | undefined }> {
  if ((await store.countUsers()) > 0) return { generatedPassword: undefined };
  const password = configuredPassword || randomBytes(12).toString('base64url');
  try {
    await store.createUser({
      username: ADMIN_USERNAME,
      passwordHash: await hashPassword(password),
    });
  } catch (error) {
    // Several servers starting on one new database: the first one creates the account.
    if (isUniqueViolation(error)) return { generatedPassword: undefined };
    throw error;
  }
  return { generatedPassword: configuredPassword ? undefined : password };
}

/** Checks a username and password and opens a session token that expires after 12 hours. */
export async function login(
  store: CredentialStore,
  username: string,
  password: string,
): Promise<{ token: string; expiresAt: number; user: User }> {
  const user = await store.findUserByName(username);
  const valid = await verifyPassword(password, user?.passwordHash ?? DECOY_HASH);
  if (!user || !valid) throw invalidCredentials();
  const token = generateToken('lat_');
  const expiresAt = Date.now() + SESSION_LIFETIME_MS;
  await store.createApiToken({
    userId: user.id,
    kind: 'session',
    name: 'console session',
    tokenHash: hashToken(token),
    expiresAt,
  });
  return {
    token,
    expiresAt,
    user: { id: user.id, username: user.username, createdAt: user.createdAt },
  };
}

/**
 * Changes a user's password after checking the current one, and signs out the user's other
 * sessions: whoever signed in with the old password does not stay signed in. The session the
 * change came from (its token hash given) stays; API tokens, made on purpose, stay too.
 */
export async function changePassword(
  store: CredentialStore,
  change: {
    username: string;
    currentPassword: string;
    newPassword: string;
    currentTokenHash?: string | undefined;
  },
): Promise<void> {
  const user = await store.findUserByName(change.username);
  if (!user || !(await verifyPassword(change.currentPassword, user.passwordHash))) {
    throw invalidCredentials();
  }
  const newHash = await hashPassword(change.newPassword);
  // Checked against the hash read above: a change that lands in between wins, this one fails.
  if (!(await store.replacePassword(user.id, user.passwordHash, newHash))) {
    throw invalidCredentials();
  }
  await store.revokeSessions(user.id, Date.now(), change.currentTokenHash);
}

/** A long-lived API token; the secret is returned here once and only its hash is kept. */
export async function createApiToken(
  store: CredentialStore,
  user: User,
  name: string,
  expiresAt: number | null,
): Promise<{ token: string; record: ApiToken }> {
  const token = generateToken('lat_');
  const record = await store.createApiToken({
    userId: user.id,
    kind: 'api',
    name,
    tokenHash: hashToken(token),
    expiresAt,
  });
  return { token, record };
}

export async function authenticateToken(store: CredentialStore, token: string) {
  return store.findLiveApiToken(hashToken(token), Date.now());
}
