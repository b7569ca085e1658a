import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runExecTask } from '../../src/agent/exec-task.js';

const CREDENTIAL = { deviceId: 'device-42', deviceSecret: 'lta_not-for-the-log' };

describe('exec tasks', () => {
  it("fills the agent's credential into the arguments and keeps the secret out of the report", async () => {
    const result = await runExecTask(
      {
        id: 't-1',
        kind: 'exec',
        attempt: 1,
        arguments: {
          command: process.execPath,
          args: [
            '-e',
            'console.log(process.argv.slice(1).join(" "))',
            '{{device.id}}',
            '{{device.secret}}',
          ],
        },
      },
      CREDENTIAL,
    );

    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.exitCode, 0);
    assert.equal(result.outputTail, 'device-42 [redacted]\n');
  });

  it('passes placeholders through untouched when it has no credential', async () => {
    const result = await runExecTask({
      id: 't-2',
      kind: 'exec',
      attempt: 1,
      arguments: {
        command: process.execPath,
        args: ['-e', 'console.log(process.argv[1])', '{{device.id}}'],
      },
    });

    assert.equal(result.outputTail, '{{device.id}}\n');
  });
});
