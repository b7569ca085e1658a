import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CommandQueue } from '../../src/service/command-queue.js';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`CommandQueueStore.recordAnswerAndClaimNext on ${backend.name}`, () => {
    let storage: Storage;
    let queue: CommandQueue;
    let serial = 0;
    const newDevice = async () =>
      (await storage.observeDevice({ platform: 'macos', serialNumber: `RT-${serial++}` })).id;
    const command = (id: string) => ({ id, requestType: 'ProfileList', payload: `<${id}/>` });

    before(async () => {
      storage = await backend.open();
      queue = new CommandQueue(storage, { resendAfterMs: 60_000, maxAttempts: 3 });
    });
    after(() => storage.close());

    it('records the answer and leases the next command in the same call', async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('rt-1'), 1000);
      await queue.enqueue('apple', [device], () => command('rt-2'), 1001);
      await queue.next('apple', device, 2000);

      const trip = await queue.answerAndNext(
        'apple',
        device,
        'rt-1',
        'acknowledged',
        {
          result: 'ok',
        },
        3000,
      );

      assert.equal(trip.answer.outcome, 'recorded');
      assert.equal(trip.next?.id, 'rt-2');
      assert.equal(trip.next?.status, 'sent');
      assert.equal(trip.next?.sentAt, 3000);
      const first = await storage.getCommand('rt-1');
      assert.equal(first?.status, 'acknowledged');
      assert.equal(first?.result, 'ok');
      assert.equal(first?.answeredAt, 3000);
    });

    it('reports a repeated answer as a duplicate and still hands out nothing twice', async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('rt-dup'));
      await queue.next('apple', device);
      await queue.answerAndNext('apple', device, 'rt-dup', 'acknowledged');

      const again = await queue.answerAndNext('apple', device, 'rt-dup', 'error', {
        error: 'late',
      });

      assert.equal(again.answer.outcome, 'duplicate');
      assert.equal(again.next, undefined);
      assert.equal((await storage.getCommand('rt-dup'))?.status, 'acknowledged');
    });

    it("answers unknown for another device's command and leaves it untouched", async () => {
      const owner = await newDevice();
      const stranger = await newDevice();
      await queue.enqueue('apple', [owner], () => command('rt-theirs'));
      await queue.next('apple', owner);

      const trip = await queue.answerAndNext('apple', stranger, 'rt-theirs', 'acknowledged');

      assert.deepEqual(trip.answer, { outcome: 'unknown' });
      assert.equal((await storage.getCommand('rt-theirs'))?.status, 'sent');
    });

    it('hands out nothing after NotNow until the queue is resumed', async () => {
      const device = await newDevice();
      await queue.enqueue('apple', [device], () => command('rt-nn-1'), 1);
      await queue.enqueue('apple', [device], () => command('rt-nn-2'), 2);
      await queue.next('apple', device);

      const paused = await queue.answerAndNext('apple', device, 'rt-nn-1', 'not_now');
      await queue.resume('apple', device);
      const resumed = await queue.next('apple', device);

      assert.equal(paused.answer.outcome, 'recorded');
      assert.equal(paused.next, undefined);
      assert.equal(resumed?.id, 'rt-nn-1');
    });
  });
}
