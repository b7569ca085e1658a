import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentClient } from '../../src/agent/agent-client.js';
import type { EventUpload } from '../../src/agent/agent-client.js';
import { AgentRunner } from '../../src/agent/agent-runner.js';
import { DiskQueue } from '../../src/agent/disk-queue.js';
import { runExecTask } from '../../src/agent/exec-task.js';
import { readAppliedSettings } from '../../src/agent/settings-file.js';
import type { AgentReportedState } from '../../src/service/agent/agent-checkin.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { newEnrollmentToken } from '../helpers/agent.js';
import { BACKENDS } from '../helpers/backends.js';

const STATE: AgentReportedState = {
  osVersion: '6.8.0',
  agentVersion: '1.4.2',
  extensionState: 'absent',
  volumes: [{ name: 'root', mountPoint: '/' }],
};

for (const backend of BACKENDS) {
  describe(`the agent runner against a server on ${backend.name}`, () => {
    let app: TestApp;
    let token: string;
    const dirs: string[] = [];
    before(async () => {
      app = await startTestApp(backend);
      token = await newEnrollmentToken(app, 20);
    });
    after(async () => {
      await app.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    async function enrolledAgent(serialNumber: string) {
      const dataDir = mkdtempSync(join(tmpdir(), 'latch-agent-'));
      dirs.push(dataDir);
      const client = new AgentClient(app.url);
      const enrollment = await client.enroll({
        enrollmentToken: token,
        platform: 'linux',
        serialNumber,
        osVersion: '6.8.0',
        agentVersion: '1.4.2',
      });
      const runner = () =>
        new AgentRunner({
          client,
          dataDir,
          collectState: async () => STATE,
          runTask: runExecTask,
        });
      return { client, dataDir, deviceId: enrollment.deviceId, runner };
    }

    it('sends events acknowledged just before a restart once, and loses none', async () => {
      const agent = await enrolledAgent('RUN-RESTART');
      const before = agent.runner();
      for (const n of [1, 2, 3]) await before.recordEvent('storage.mount-refused', { n });
      // The upload reaches the server, then the agent dies before it forgets the events.
      const queued = await new DiskQueue<Omit<EventUpload, 'id'>>(
        join(agent.dataDir, 'events'),
      ).peek(10);
      await agent.client.uploadEvents(queued.map((e) => ({ id: e.id, ...e.body })));

      const restarted = agent.runner();
      await restarted.recordEvent('storage.mount-refused', { n: 4 });
      const cycle = await restarted.cycle();

      assert.equal(cycle.eventsSent, 4);
      assert.equal(await restarted.pendingEvents(), 0);
      const stored = await app.storage.listAgentEvents({ deviceId: agent.deviceId });
      assert.deepEqual(
        stored.items.map((e) => e.payload.n),
        [1, 2, 3, 4],
      );
    });

    it('keeps events on disk while the server is unreachable', async () => {
      const agent = await enrolledAgent('RUN-OFFLINE');
      const offline = new AgentRunner({
        client: new AgentClient('http://127.0.0.1:1', { deviceSecret: 'lta_unused' }),
        dataDir: agent.dataDir,
        collectState: async () => STATE,
        runTask: runExecTask,
      });
      await offline.recordEvent('storage.mount-refused', { n: 1 });

      await assert.rejects(offline.cycle());
      const online = agent.runner();
      const cycle = await online.cycle();

      assert.equal(cycle.eventsSent, 1);
      assert.equal(
        (await app.storage.listAgentEvents({ deviceId: agent.deviceId })).items.length,
        1,
      );
    });

    it('applies the settings whole and reports its state once', async () => {
      const agent = await enrolledAgent('RUN-SETTINGS');
      const runner = agent.runner();

      const first = await runner.cycle();
      const second = await runner.cycle();

      const applied = await readAppliedSettings(agent.dataDir);
      const served = await app.server.context.agentChannel.settingsFor(agent.deviceId);
      assert.equal(first.settingsApplied, true);
      assert.equal(second.settingsApplied, false);
      assert.deepEqual(applied, served);
      assert.deepEqual(
        readdirSync(agent.dataDir).filter((f) => f.endsWith('.tmp')),
        [],
      );
      const state = await app.storage.getAgentState(agent.deviceId);
      assert.deepEqual(state?.state, { ...STATE });
    });

    it('runs an exec task and reports its exit code and output tail', async () => {
      const agent = await enrolledAgent('RUN-TASK');
      const script = "process.stdout.write('installed'); process.exit(3)";
      const [task] = await app.server.context.agentChannel.tasks.enqueue([agent.deviceId], {
        kind: 'exec',
        arguments: { command: process.execPath, args: ['-e', script], successExitCodes: [0, 3] },
      });

      const cycle = await agent.runner().cycle();

      assert.equal(cycle.tasksRun, 1);
      const done = await app.server.context.agentChannel.tasks.get(task!.id);
      assert.equal(done?.status, 'acknowledged');
      assert.equal(done?.result?.outcome, 'succeeded');
      assert.equal(done?.result?.exitCode, 3);
      assert.equal(done?.result?.outputTail, 'installed');
    });

    it('reports a task kind it does not know as failed, with the reason', async () => {
      const agent = await enrolledAgent('RUN-UNKNOWN');
      const [task] = await app.server.context.agentChannel.tasks.enqueue([agent.deviceId], {
        kind: 'teleport',
        arguments: {},
      });

      await agent.runner().cycle();

      const done = await app.server.context.agentChannel.tasks.get(task!.id);
      assert.equal(done?.status, 'error');
      assert.equal(done?.error, 'this agent does not know task kind teleport');
    });
  });
}
