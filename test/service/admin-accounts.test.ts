import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensureAdmin, login } from '../../src/service/admin-accounts.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`the first admin account on ${backend.name}`, () => {
    it('is created once by servers starting on one new database together', async () => {
      const storage = await backend.open();
      try {
        const started = await Promise.all(
          ['first password 1234', 'second password 1234', 'third password 1234'].map((password) =>
            ensureAdmin(storage, password),
          ),
        );

        assert.deepEqual(
          started.map((s) => s.generatedPassword),
          [undefined, undefined, undefined],
        );
        assert.equal(await storage.countUsers(), 1);
        const signedIn = await Promise.allSettled(
          ['first password 1234', 'second password 1234', 'third password 1234'].map((password) =>
            login(storage, 'admin', password),
          ),
        );
        assert.equal(signedIn.filter((s) => s.status === 'fulfilled').length, 1);
      } finally {
        await storage.close();
      }
    });
  });
}
