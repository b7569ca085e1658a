import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { LATCH_CLI } from '../helpers/server-process.js';

const APPLE = ['simulate', 'apple', '--server', 'http://127.0.0.1:9', '--token', 't'];

describe('latch refuses option values it cannot use', () => {
  const cases: [string[], string][] = [
    [
      ['serve', '--port', 'abc'],
      "option '--port <port>' argument 'abc' is invalid. abc is not a port number (0 to 65535).",
    ],
    [['serve', '--port', '99999'], '99999 is not a port number (0 to 65535).'],
    [['serve', '--port', '-1'], '-1 is not a port number (0 to 65535).'],
    [
      [...APPLE, '--devices', '0', '--duration', '1'],
      "option '--devices <n>' argument '0' is invalid. 0 is not a positive whole number.",
    ],
    [[...APPLE, '--devices', '2.5', '--duration', '1'], '2.5 is not a positive whole number.'],
    [
      [...APPLE, '--devices', '2', '--duration', 'abc'],
      "option '--duration <s>' argument 'abc' is invalid. abc is not a number of 0 or more.",
    ],
    [[...APPLE, '--devices', '2', '--duration', '-3'], '-3 is not a number of 0 or more.'],
    [
      [...APPLE, '--devices', '2', '--duration', '1', '--iphones', '1.5'],
      "option '--iphones <share>' argument '1.5' is invalid. 1.5 is not a share from 0 to 1.",
    ],
    [
      [...APPLE, '--devices', '2', '--duration', '1', '--apns-port', '70000'],
      "option '--apns-port <port>' argument '70000' is invalid. 70000 is not a port number (0 to 65535).",
    ],
  ];
  for (const [args, message] of cases) {
    it(`exits 1 naming the value for ${args.slice(0, 2).join(' ')} ${args.slice(-2).join(' ')}`, () => {
      const run = spawnSync(process.execPath, [LATCH_CLI, ...args], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, PORT: '' },
      });

      assert.equal(run.status, 1, run.stderr);
      assert.ok(run.stderr.includes(message), run.stderr);
      assert.equal(run.stdout, '');
    });
  }

  it('names the bad PORT from the environment', () => {
    const run = spawnSync(process.execPath, [LATCH_CLI, 'serve'], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, PORT: 'abc' },
    });

    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'latch: PORT must be a port number, not abc\n');
  });
});
