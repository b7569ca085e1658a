import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { ApiToken, EnrollmentToken } from '../../domain.js';
import type { CredentialStore } from '../storage.js';
import type { Executor } from './executor.js';
import type { ApiTokensTable, EnrollmentTokensTable } from './schema.js';

function toApiToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind as ApiToken['kind'],
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function toEnrollmentToken(row: Selectable<EnrollmentTokensTable>): EnrollmentToken {
  return {
    id: row.id,
    name: row.name,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    maxUses: row.max_uses,
    uses: row.uses,
    revokedAt: row.revoked_at,
  };
}

export function credentialStore(db: Executor): CredentialStore {
  return {
    async createUser({ username, passwordHash }) {
      const user = { id: randomUUID(), username, createdAt: Date.now() };
      await db
        .insertInto('users')
        .values({ id: user.id, username, password_hash: passwordHash, created_at: user.createdAt })
        .execute();
      return user;
    },

    async findUserByName(username) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          username: row.username,
          createdAt: row.created_at,
          passwordHash: row.password_hash,
        }
      );
    },

    async replacePassword(userId, currentHash, newHash) {
      const result = await db
        .updateTable('users')
        .set({ password_hash: newHash })
        .where('id', '=', userId)
        .where('password_hash', '=', currentHash)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async countUsers() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async createApiToken(input) {
      const row = await db
        .insertInto('api_tokens')
        .values({
          id: randomUUID(),
          user_id: input.userId,
          kind: input.kind,
          name: input.name,
          token_hash: input.tokenHash,
          created_at: Date.now(),
          expires_at: input.expiresAt,
          last_used_at: null,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toApiToken(row);
    },

    async findLiveApiToken(tokenHash, now) {
      const row = await db
        .selectFrom('api_tokens as t')
        .innerJoin('users as u', 'u.id', 't.user_id')
        .selectAll('t')
        .select(['u.username', 'u.created_at as user_created_at'])
        .where('t.token_hash', '=', tokenHash)
        .where('t.revoked_at', 'is', null)
        .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        ...toApiToken(row),
        user: { id: row.user_id, username: row.username, createdAt: row.user_created_at },
      };
    },

    async listApiTokens(userId) {
      const rows = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('user_id', '=', userId)
        .where('kind', '=', 'api')
        .orderBy('created_at')
        .execute();
      return rows.map(toApiToken);
    },

    async revokeApiToken(id, userId, at) {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async revokeSessions(userId, at, keepTokenHash) {
      let update = db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('user_id', '=', userId)
        .where('kind', '=', 'session')
        .where('revoked_at', 'is', null);
      if (keepTokenHash) update = update.where('token_hash', '!=', keepTokenHash);
      const result = await update.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async createEnrollmentToken(input) {
      const row = await db
        .insertInto('enrollment_tokens')
        .values({
          id: randomUUID(),
          name: input.name,
          token_hash: input.tokenHash,
          created_by: input.createdBy,
          created_at: input.createdAt,
          expires_at: input.expiresAt,
          max_uses: input.maxUses,
          uses: 0,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEnrollmentToken(row);
    },

    async listEnrollmentTokens() {
      const rows = await db
        .selectFrom('enrollment_tokens')
        .selectAll()
        .orderBy('created_at')
        .execute();
      return rows.map(toEnrollmentToken);
    },

    async revokeEnrollmentToken(id, at) {
      const row = await db
        .updateTable('enrollment_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row && toEnrollmentToken(row);
    },

    async consumeEnrollmentToken(tokenHash, now) {
      // One conditional UPDATE: the database decides which of two racing enrolments gets the
      // last use, so no transaction or lock is needed here.
      const row = await db
        .updateTable('enrollment_tokens')
        .set((eb) => ({ uses: eb('uses', '+', 1) }))
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .whereRef('uses', '<', 'max_uses')
        .returningAll()
        .executeTakeFirst();
      return row && toEnrollmentToken(row);
    },
  };
}
