import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CommandQueue } from '../../src/service/command-queue.js';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

const LEASE = 60_000;

for (const backend of BACKENDS) {
  describe(`CommandQueueStore on ${backend.name}`, () => {
    let storage: Storage;
    let queue: CommandQueue;
    let serial = 0;
    const newDevice = async () =>
      (await storage.observeDevice({ platform: 'macos', serialNumber: `Q-${serial++}` })).id;
    const command = (id: string) => ({ id, requestType: 'ProfileList', payload: `<${id}/>` });

    before(async () => {
      storage = await backend.open();
      queue = new CommandQueue(storage, { resendAfterMs: LEASE, maxAttempts: 3 });
    });
    after(() => storage.close());

    it("hands out a device's commands in order, one lease at a time", async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('c1'), 1000);
      await queue.enqueue('apple', [device], () => command('c2'), 1001);

      const first = await queue.next('apple', device, 2000);
      const second = await queue.next('apple', device, 2001);
      const none = await queue.next('apple', device, 2002);

      assert.equal(first?.id, 'c1');
      assert.equal(first?.status, 'sent');
      assert.equal(first?.attempts, 1);
      assert.equal(second?.id, 'c2');
      assert.equal(none, undefined);
    });

    it('never hands the same command to two concurrent claims', async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('only-one'));
      const other = new CommandQueue(storage, { resendAfterMs: LEASE, maxAttempts: 3 });

      const claims = await Promise.all([
        queue.next('apple', device),
        other.next('apple', device),
        queue.next('apple', device),
      ]);

      assert.deepEqual(
        claims.filter(Boolean).map((c) => c?.id),
        ['only-one'],
      );
    });

    it('records an answer once and reports the repeat as a duplicate', async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('ack-1'));
      await queue.next('apple', device);

      const first = await queue.answer('apple', device, 'ack-1', 'acknowledged', {
        result: '{"a":1}',
      });
      const again = await queue.answer('apple', device, 'ack-1', 'error', { error: 'late' });

      assert.equal(first.outcome, 'recorded');
      assert.equal(again.outcome, 'duplicate');
      const stored = await storage.getCommand('ack-1');
      assert.equal(stored?.status, 'acknowledged');
      assert.equal(stored?.result, '{"a":1}');
      assert.equal(stored?.error, null);
    });

    it('refuses an answer from another device or for an unknown command', async () => {
      const owner = await newDevice();
      const stranger = await newDevice();
      await queue.enqueue('apple', [owner], () => command('mine'));
      await queue.next('apple', owner);

      const foreign = await queue.answer('apple', stranger, 'mine', 'acknowledged');
      const unknown = await queue.answer('apple', owner, 'never-queued', 'acknowledged');
      const wrongChannel = await queue.answer('windows', owner, 'mine', 'acknowledged');

      assert.equal(foreign.outcome, 'unknown');
      assert.equal(unknown.outcome, 'unknown');
      assert.equal(wrongChannel.outcome, 'unknown');
      assert.equal((await storage.getCommand('mine'))?.status, 'sent');
      assert.equal(await queue.next('apple', stranger), undefined);
    });

    it('resends after the lease runs out, then fails with a reason and moves on', async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('silent'), 0);
      await queue.enqueue('apple', [device], () => command('after-silent'), 1);

      const sends = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        sends.push((await queue.next('apple', device, 10 + attempt * (LEASE + 1)))?.id);
      }
      const next = await queue.next('apple', device, 10 + 3 * (LEASE + 1));

      assert.deepEqual(sends, ['silent', 'silent', 'silent']);
      assert.equal(next?.id, 'after-silent');
      const failed = await storage.getCommand('silent');
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.error, 'no answer after 3 attempts');
    });

    it('a command whose lease is running does not block the next one', async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('slow'), 0);
      await queue.enqueue('apple', [device], () => command('behind-slow'), 1);

      await queue.next('apple', device, 100);
      const second = await queue.next('apple', device, 200);

      assert.equal(second?.id, 'behind-slow');
    });

    it('sweeps exhausted commands to failed so the API shows them', async () => {
      const device = await newDevice();
      const sweeper = new CommandQueue(storage, { resendAfterMs: 10, maxAttempts: 1 });
      await sweeper.enqueue('windows', [device], () => command('swept'), 0);
      await sweeper.next('windows', device, 1);

      const failed = await sweeper.sweep(100);

      assert.ok(failed >= 1);
      assert.equal((await storage.getCommand('swept'))?.status, 'failed');
    });

    it('NotNow keeps the command and stops delivery until resumed', async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('busy'), 0);
      await queue.enqueue('apple', [device], () => command('busy-2'), 1);
      await queue.next('apple', device);

      await queue.answer('apple', device, 'busy', 'not_now');
      const whilePaused = await queue.next('apple', device);
      await queue.resume('apple', device);
      const afterResume = await queue.next('apple', device);

      assert.equal(whilePaused, undefined);
      assert.equal(afterResume?.id, 'busy');
      assert.equal(afterResume?.attempts, 2);
    });

    it('cancels a pending command and clears a queue on re-enrolment', async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('cancel-me'), 0);
      await queue.enqueue('apple', [device], () => command('clear-me'), 1);
      await queue.enqueue('apple', [device], () => command('clear-me-too'), 2);

      const cancelled = await queue.cancel('cancel-me', 'cancelled by admin');
      const cancelledAgain = await queue.cancel('cancel-me', 'again');
      const cleared = await queue.clear('apple', device, 're-enrolled');

      assert.equal(cancelled?.status, 'cancelled');
      assert.equal(cancelledAgain, undefined);
      assert.equal(cleared, 2);
      assert.equal(await queue.next('apple', device), undefined);
      const listed = await storage.listCommands({ deviceId: device });
      assert.deepEqual(
        listed.map((c) => [c.id, c.status, c.error]),
        [
          ['clear-me-too', 'cancelled', 're-enrolled'],
          ['clear-me', 'cancelled', 're-enrolled'],
          ['cancel-me', 'cancelled', 'cancelled by admin'],
        ],
      );
    });

    it('enqueues for many devices all or none', async () => {
      const devices = [await newDevice(), await newDevice()];

      await assert.rejects(
        queue.enqueue('apple', [...devices, 'no-such-device'], (d) => command(`bulk-${d}`)),
      );

      assert.equal(await queue.next('apple', devices[0]!), undefined);
    });
  });
}
