import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildChocoUpgrade, chocoOutcome } from '../../src/catalog/chocolatey/choco-task.js';

describe('choco tasks', () => {
  it('builds the upgrade command against Latch as the only source', () => {
    const command = buildChocoUpgrade('xunit', '2.1.0', 'https://latch.example/chocolatey/api/v2/');

    assert.deepEqual(command, {
      program: 'choco',
      args: [
        'upgrade',
        'xunit',
        '--version',
        '2.1.0',
        '-y',
        '--no-progress',
        '--limit-output',
        '--source',
        'https://latch.example/chocolatey/api/v2/',
        '--user',
        '{{device.id}}',
        '--password',
        '{{device.secret}}',
      ],
    });
  });

  it('maps exit codes to states, noting restarts', () => {
    const table: [number, string, boolean][] = [
      [0, 'installed', false],
      [1641, 'installed', true],
      [3010, 'installed', true],
      [2, 'installed', false],
      [350, 'pending', true],
      [1604, 'pending', true],
      [1618, 'pending', false],
      [1, 'failed', false],
      [-1, 'failed', false],
      [1603, 'failed', false],
      [42, 'failed', false],
    ];
    for (const [code, state, reboot] of table) {
      const outcome = chocoOutcome(code);
      assert.equal(outcome.state, state, String(code));
      assert.equal(outcome.rebootRequired, reboot, String(code));
    }
    assert.equal(chocoOutcome(42).meaning, 'the package installer failed with exit code 42');
  });
});
