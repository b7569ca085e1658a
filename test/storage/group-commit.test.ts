import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { openStorage } from '../../src/main.js';
import type { Storage } from '../../src/storage/storage.js';

describe('SQLite group commit', () => {
  let dir: string;
  let path: string;
  let storage: Storage;
  /** A second connection to the same file: it sees only what is committed. */
  let observer: SqliteDatabase.Database;
  const committedSerials = () =>
    (observer.prepare('SELECT serial_number FROM devices').all() as { serial_number: string }[])
      .map((row) => row.serial_number)
      .sort();
  const addDevice = (s: Storage, serialNumber: string) =>
    s.observeDevice({ platform: 'macos', serialNumber });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latch-group-commit-'));
    path = join(dir, 'latch.db');
    storage = await openStorage({ sqlitePath: path });
    observer = new SqliteDatabase(path, { readonly: true });
  });
  after(async () => {
    observer.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes a transaction only once another connection can read what it wrote', async () => {
    await storage.transaction((s) => addDevice(s, 'GC-DURABLE'));

    assert.ok(committedSerials().includes('GC-DURABLE'));
  });

  it('commits concurrent transactions together, in fewer COMMITs than transactions', async () => {
    const dataVersion = () => observer.pragma('data_version', { simple: true }) as number;
    const before = dataVersion();

    await Promise.all(
      Array.from({ length: 20 }, (_, i) => storage.transaction((s) => addDevice(s, `GC-MANY-${i}`))),
    );

    // data_version moves once for each COMMIT another connection makes.
    const commits = dataVersion() - before;
    assert.ok(commits >= 1 && commits < 20, `20 transactions took ${commits} COMMITs`);
    assert.equal(committedSerials().filter((s) => s.startsWith('GC-MANY-')).length, 20);
  });

  it('undoes a failing transaction alone, keeping the others of its group', async () => {
    const outcomes = await Promise.allSettled([
      storage.transaction((s) => addDevice(s, 'GC-KEPT-1')),
      storage.transaction(async (s) => {
        await addDevice(s, 'GC-UNDONE');
        throw new Error('changed its mind');
      }),
      storage.transaction((s) => addDevice(s, 'GC-KEPT-2')),
    ]);

    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const serials = committedSerials();
    assert.ok(serials.includes('GC-KEPT-1') && serials.includes('GC-KEPT-2'));
    assert.ok(!serials.includes('GC-UNDONE'));
  });

  it('undoes a transaction whose statement breaks a constraint, and only it', async () => {
    const device = await addDevice(storage, 'GC-QUEUE');
    const command = { id: 'gc-once', channel: 'apple' as const, deviceId: device.id };
    const queued = { ...command, requestType: 'ProfileList', payload: '<a/>' };

    const outcomes = await Promise.allSettled([
      storage.transaction((s) => s.enqueueCommands([queued], 1)),
      storage.transaction(async (s) => {
        await addDevice(s, 'GC-BESIDE-DUPLICATE');
        await s.enqueueCommands([queued], 2);
      }),
    ]);

    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected'],
    );
    assert.equal((await storage.getCommand('gc-once'))?.createdAt, 1);
    assert.ok(!committedSerials().includes('GC-BESIDE-DUPLICATE'));
  });

  it('commits the open group before a statement outside any transaction runs', async () => {
    const pending = storage.transaction((s) => addDevice(s, 'GC-BEFORE-READ'));

    const listed = await storage.listDevices({ search: 'GC-BEFORE-READ' });

    assert.ok(listed.items.some((d) => d.serialNumber === 'GC-BEFORE-READ'));
    assert.ok(committedSerials().includes('GC-BEFORE-READ'));
    await pending;
  });

  it('commits a group still open when the database closes', async () => {
    const second = await openStorage({ sqlitePath: path });
    const pending = second.transaction((s) => addDevice(s, 'GC-AT-CLOSE'));

    await second.close();

    await pending;
    assert.ok(committedSerials().includes('GC-AT-CLOSE'));
  });
});
