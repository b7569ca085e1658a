import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CommandQueue } from '../../src/service/command-queue.js';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

const LEASE = 60_000;

for (const backend of BACKENDS) {
  describe(`CommandQueueStore.claimCommands on ${backend.name}`, () => {
    let storage: Storage;
    let queue: CommandQueue;
    let serial = 0;
    const newDevice = async () =>
      (await storage.observeDevice({ platform: 'windows', serialNumber: `B-${serial++}` })).id;
    const queueIds = async (device: string, ids: string[], now: number) => {
      for (const id of ids) {
        await queue.enqueue(
          'windows',
          [device],
          () => ({ id, requestType: 'Get', payload: id }),
          now,
        );
      }
    };

    before(async () => {
      storage = await backend.open();
      queue = new CommandQueue(storage, { resendAfterMs: LEASE, maxAttempts: 2 });
    });
    after(() => storage.close());

    it('leases up to max commands in queue order and none twice', async () => {
      const device = await newDevice();
      await queueIds(device, ['b1', 'b2', 'b3'], 1000);

      const first = await queue.nextBatch('windows', device, 2, 2000);
      const second = await queue.nextBatch('windows', device, 2, 2001);
      const third = await queue.nextBatch('windows', device, 2, 2002);

      assert.deepEqual(
        first.map((c) => [c.id, c.status, c.attempts]),
        [
          ['b1', 'sent', 1],
          ['b2', 'sent', 1],
        ],
      );
      assert.deepEqual(
        second.map((c) => c.id),
        ['b3'],
      );
      assert.deepEqual(third, []);
    });

    it('hands out again after the lease and fails the command after maxAttempts', async () => {
      const device = await newDevice();
      await queueIds(device, ['r1', 'r2'], 1000);
      await queue.nextBatch('windows', device, 1, 2000);

      const resent = await queue.nextBatch('windows', device, 1, 2000 + LEASE + 1);
      const afterSecondLease = await queue.nextBatch('windows', device, 5, 2000 + 2 * LEASE + 2);

      assert.deepEqual(
        resent.map((c) => [c.id, c.attempts]),
        [['r1', 2]],
      );
      assert.deepEqual(
        afterSecondLease.map((c) => c.id),
        ['r2'],
      );
      assert.equal((await storage.getCommand('r1'))?.status, 'failed');
    });

    it('hands out nothing while the queue is paused', async () => {
      const device = await newDevice();
      await queueIds(device, ['p1'], 1000);
      await storage.pauseQueue('windows', device, 1500);

      const paused = await queue.nextBatch('windows', device, 3, 2000);
      await queue.resume('windows', device);
      const resumed = await queue.nextBatch('windows', device, 3, 2001);

      assert.deepEqual(paused, []);
      assert.deepEqual(
        resumed.map((c) => c.id),
        ['p1'],
      );
    });

    it('never hands the same command to two concurrent batch claims', async () => {
      const device = await newDevice();
      await queueIds(device, ['x1', 'x2'], 1000);
      const other = new CommandQueue(storage, { resendAfterMs: LEASE, maxAttempts: 2 });

      const claims = await Promise.all([
        queue.nextBatch('windows', device, 5, 2000),
        other.nextBatch('windows', device, 5, 2000),
      ]);

      assert.deepEqual(
        claims
          .flat()
          .map((c) => c.id)
          .sort(),
        ['x1', 'x2'],
      );
    });
  });
}
