import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listFixtures, readFixture } from './fixtures.js';

describe('shared fixtures', () => {
  it('are found from the compiled tests', () => {
    assert.ok(listFixtures('apple-checkin').includes('nanomdm-Authenticate-ios9.plist'));
    assert.match(readFixture('apple-checkin', 'nanomdm-Authenticate-ios9.plist'), /Authenticate/);
  });
});
