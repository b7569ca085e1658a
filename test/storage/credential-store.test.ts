import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`CredentialStore on ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });
    after(() => storage.close());

    it('finds a live API token with its user and not a revoked or expired one', async () => {
      const user = await storage.createUser({ username: 'ops', passwordHash: 'h' });
      const now = Date.now();
      const live = await storage.createApiToken({
        userId: user.id,
        kind: 'api',
        name: 'ci',
        tokenHash: 'hash-live',
        expiresAt: null,
      });
      await storage.createApiToken({
        userId: user.id,
        kind: 'session',
        name: 's',
        tokenHash: 'hash-expired',
        expiresAt: now - 1,
      });

      const found = await storage.findLiveApiToken('hash-live', now);
      await storage.revokeApiToken(live.id, user.id, now);

      assert.equal(found?.user.username, 'ops');
      assert.equal(await storage.findLiveApiToken('hash-live', now), undefined);
      assert.equal(await storage.findLiveApiToken('hash-expired', now), undefined);
    });

    it("ends a user's sessions but the one kept, leaving API tokens and other users", async () => {
      const user = await storage.createUser({ username: 'sessions', passwordHash: 'h' });
      const other = await storage.createUser({ username: 'someone-else', passwordHash: 'h' });
      const now = Date.now();
      const token = (userId: string, kind: 'api' | 'session', tokenHash: string) =>
        storage.createApiToken({ userId, kind, name: tokenHash, tokenHash, expiresAt: null });
      await token(user.id, 'session', 'keep');
      await token(user.id, 'session', 'end-1');
      await token(user.id, 'session', 'end-2');
      await token(user.id, 'api', 'api-token');
      await token(other.id, 'session', 'other-session');

      const ended = await storage.revokeSessions(user.id, now, 'keep');

      const live = async (hash: string) =>
        (await storage.findLiveApiToken(hash, now)) !== undefined;
      assert.equal(ended, 2);
      assert.deepEqual(
        await Promise.all(['keep', 'end-1', 'end-2', 'api-token', 'other-session'].map(live)),
        [true, false, false, true, true],
      );
    });

    it('replaces a password hash only while it is the one the change checked', async () => {
      const user = await storage.createUser({ username: 'changer', passwordHash: 'old' });

      const stale = await storage.replacePassword(user.id, 'not-the-current', 'never');
      const first = await storage.replacePassword(user.id, 'old', 'new-1');
      const second = await storage.replacePassword(user.id, 'old', 'new-2');

      assert.deepEqual([stale, first, second], [false, true, false]);
      assert.equal((await storage.findUserByName('changer'))?.passwordHash, 'new-1');
    });

    it('an enrolment token is used at most max-uses times, even when raced', async () => {
      const now = Date.now();
      await storage.createEnrollmentToken({
        name: 'lab',
        tokenHash: 'enrol-1',
        createdBy: 'admin',
        createdAt: now,
        expiresAt: now + 60_000,
        maxUses: 3,
      });

      const results = await Promise.all(
        Array.from({ length: 10 }, () => storage.consumeEnrollmentToken('enrol-1', Date.now())),
      );

      assert.equal(results.filter(Boolean).length, 3);
      const [listed] = await storage.listEnrollmentTokens();
      assert.equal(listed?.uses, 3);
    });

    it('refuses an expired or revoked enrolment token', async () => {
      const now = Date.now();
      await storage.createEnrollmentToken({
        name: 'old',
        tokenHash: 'enrol-old',
        createdBy: 'a',
        createdAt: now - 10,
        expiresAt: now - 1,
        maxUses: 5,
      });
      const revoked = await storage.createEnrollmentToken({
        name: 'rev',
        tokenHash: 'enrol-rev',
        createdBy: 'a',
        createdAt: now,
        expiresAt: now + 60_000,
        maxUses: 5,
      });
      await storage.revokeEnrollmentToken(revoked.id, now);

      assert.equal(await storage.consumeEnrollmentToken('enrol-old', now), undefined);
      assert.equal(await storage.consumeEnrollmentToken('enrol-rev', now), undefined);
      assert.equal(await storage.revokeEnrollmentToken(revoked.id, now), undefined);
    });
  });
}
