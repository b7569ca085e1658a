import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { buildPlist } from '../../src/apple/mdm-plist.js';
import { readConfig } from '../../src/config.js';
import { startServer } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { authenticate, putMdm } from '../helpers/apple.js';
import { BACKENDS } from '../helpers/backends.js';

const postgres = BACKENDS.find((backend) => backend.name === 'postgres')!;
const SECRET = { LATCH_SECRET_KEY: 'one key for both servers' };

/**
 * Two servers on one PostgreSQL database, as behind a load balancer: what one learns (a
 * re-enrolment, a CheckOut) the other must honour on the very next message.
 */
describe('Apple MDM identities across two servers sharing PostgreSQL', () => {
  let first: TestApp;
  let second: RunningServer;
  let secondDataDir: string;
  const idle = (udid: string) => buildPlist({ Status: 'Idle', UDID: udid });
  /** The second server, as putMdm addresses a server. */
  let onSecond: TestApp;

  before(async () => {
    first = await startTestApp(postgres, SECRET);
    secondDataDir = mkdtempSync(join(tmpdir(), 'latch-second-'));
    second = await startServer(
      readConfig({ ...SECRET, HOST: '127.0.0.1' }, { port: 0, dataDir: secondDataDir }),
      pino({ level: 'silent' }),
      // The same database; the first server closes it.
      { storage: Object.assign(Object.create(first.storage), { close: async () => {} }) },
    );
    onSecond = { ...first, url: second.url, server: second };
  });
  after(async () => {
    await second.close();
    await first.close();
    rmSync(secondDataDir, { recursive: true, force: true });
  });

  it('refuses an identity replaced by a re-enrolment through the other server', async () => {
    const old = await authenticate(first, 'SHARED-REENROL');
    // The second server learns the old identity first.
    assert.equal(
      (await putMdm(onSecond, 'connect', idle('SHARED-REENROL'), old.identity)).status,
      200,
    );

    const renewed = await authenticate(first, 'SHARED-REENROL');
    const stale = await putMdm(onSecond, 'connect', idle('SHARED-REENROL'), old.identity);
    const current = await putMdm(onSecond, 'connect', idle('SHARED-REENROL'), renewed.identity);

    assert.equal(stale.status, 401);
    assert.equal(stale.json.error?.code, 'apple_bad_signature');
    assert.equal(current.status, 200);
  });

  it('refuses a device that checked out through the other server', async () => {
    const device = await authenticate(first, 'SHARED-CHECKOUT');
    assert.equal(
      (await putMdm(onSecond, 'connect', idle('SHARED-CHECKOUT'), device.identity)).status,
      200,
    );

    const checkOut = buildPlist({ MessageType: 'CheckOut', UDID: 'SHARED-CHECKOUT' });
    assert.equal((await putMdm(first, 'checkin', checkOut, device.identity)).status, 200);
    const after = await putMdm(onSecond, 'connect', idle('SHARED-CHECKOUT'), device.identity);

    assert.equal(after.status, 401);
    assert.equal(after.json.error?.code, 'apple_not_enrolled');
  });
});
