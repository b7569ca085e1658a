import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyLinuxAction } from '../../src/agent/linux/linux-enforcement.js';
import { LinuxStorageAdapter } from '../../src/agent/linux/linux-storage-adapter.js';
import { localLinuxSystem } from '../../src/agent/linux/linux-system.js';
import { restrictionOfMode } from '../../src/agent/restriction-of-mode.js';
import { StorageControl } from '../../src/agent/storage-control.js';

const system = localLinuxSystem();

/** Attaches and mounts a fresh ext4 loop device; undefined where the machine does not allow it. */
async function mountLoopDevice(dir: string) {
  const image = join(dir, 'disk.img');
  const target = join(dir, 'mnt');
  await system.run('truncate', ['-s', '8M', image]);
  await system.run('mkdir', ['-p', target]);
  const device = (await system.run('losetup', ['-f', '--show', image])).trim();
  try {
    await system.run('mkfs.ext4', ['-q', '-F', device]);
    await system.run('mount', [device, target]);
  } catch (error) {
    await system.run('losetup', ['-d', device]);
    throw error;
  }
  return { device, target };
}

async function mountOptions(target: string): Promise<string | undefined> {
  const out = await system.run('findmnt', ['-n', '-r', '-o', 'OPTIONS', target]).catch(() => '');
  return out.trim() || undefined;
}

describe('Linux adapter on a real loop device', () => {
  let dir: string;
  let loop: { device: string; target: string } | undefined;
  let skip: string | false = false;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latch-loop-'));
    loop = await mountLoopDevice(dir).catch((error: Error) => {
      skip = `loop devices are not permitted here: ${error.message.split('\n')[0]}`;
      return undefined;
    });
  });

  after(async () => {
    if (loop) {
      await system.run('umount', [loop.target]).catch(() => undefined);
      // The read-only flag outlives the attachment: clear it so the loop device is reusable.
      await system.run('blockdev', ['--setrw', loop.device]).catch(() => undefined);
      await system.run('losetup', ['-d', loop.device]).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves a mounted disk image alone under a block restriction', async (t) => {
    if (!loop) return t.skip(skip || 'no loop device');
    const control = new StorageControl(
      {
        bootId: 'b',
        now: () => 0,
        newEventId: () => 'e',
        onReport: () => assert.fail('an allowed mount is not reported'),
        onNotice: () => assert.fail('an allowed mount raises no notice'),
      },
      restrictionOfMode('block'),
    );
    const adapter = new LinuxStorageAdapter(control, system, () => 'root');

    const outcome = await adapter.handleMountChange({
      action: 'mount',
      source: loop.device,
      target: loop.target,
      fileSystem: 'ext4',
      options: ['rw', 'relatime'],
    });

    assert.equal(`${outcome?.decision.category} ${outcome?.decision.decision}`, 'disk-image allow');
    assert.deepEqual(outcome?.actions, []);
    assert.match((await mountOptions(loop.target)) ?? '', /^rw,/);
  });

  it('remounts read-only and no-exec, marks the device read-only, then unmounts', async (t) => {
    if (!loop) return t.skip(skip || 'no loop device');

    await applyLinuxAction({ kind: 'remount-read-only', target: loop.target }, system);
    const options = (await mountOptions(loop.target))?.split(',') ?? [];
    await applyLinuxAction({ kind: 'set-read-only', device: loop.device }, system);
    const readOnly = (await system.run('blockdev', ['--getro', loop.device])).trim();
    await applyLinuxAction({ kind: 'unmount', target: loop.target }, system);

    assert.ok(options.includes('ro') && options.includes('noexec'), options.join(','));
    assert.equal(readOnly, '1');
    assert.equal(await mountOptions(loop.target), undefined);
  });
});
