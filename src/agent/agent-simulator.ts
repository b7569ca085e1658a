import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentReportedState, ExtensionState } from '../service/agent/agent-checkin.js';
import type { AgentPlatform } from '../service/agent/agent-enrollment.js';
import type { AgentTaskResult } from '../service/agent/agent-tasks.js';
import { AgentClient } from './agent-client.js';
import { AgentRunner } from './agent-runner.js';
import { MOUNT_EVENT_KIND } from './mount-report.js';
import type { MountReport } from './mount-report.js';

export type SimulatedOutcome = 'succeeded' | 'failed' | 'alternate';

export interface AgentSimulationOptions {
  server: string;
  /** An admin API token; the simulator makes its enrolment token with it. */
  adminToken: string;
  devices: number;
  /** Check-ins per agent in this run. */
  checkins: number;
  /** Events each agent records (once per data folder, so a resumed run adds none). */
  eventsPerDevice: number;
  /** How simulated tasks end; `alternate` fails every second device's. */
  taskOutcome: SimulatedOutcome;
  /** Keeps identities and unsent events; a second run on it resumes the same agents. */
  dataDir: string;
  /** Agents working at once. */
  concurrency: number;
  /** Sends every event batch and task result twice, as a flaky network would make it. */
  duplicateUploads: boolean;
  /** What the simulated Macs report of their system extension; default `approved`. */
  macExtensionState?: ExtensionState;
}

export interface SimulationSummary {
  enrolled: number;
  checkins: number;
  tasks: { ok: number; failed: number };
  events: number;
}

interface Identity {
  deviceId: string;
  deviceSecret: string;
}

const PLATFORMS: AgentPlatform[] = ['macos', 'windows', 'linux'];
const OS_VERSIONS: Record<AgentPlatform, string> = {
  macos: '14.5',
  windows: '10.0.22631',
  linux: '6.8.0',
};

/**
 * Runs simulated agents over real HTTP: each enrols (or resumes the identity in its folder),
 * records events, checks in, runs its tasks with the chosen outcome and uploads everything
 * through the same AgentRunner a real agent uses.
 */
export async function simulateAgents(options: AgentSimulationOptions): Promise<SimulationSummary> {
  await mkdir(options.dataDir, { recursive: true });
  const summary: SimulationSummary = {
    enrolled: 0,
    checkins: 0,
    tasks: { ok: 0, failed: 0 },
    events: 0,
  };
  const runId = createHash('sha256')
    .update(options.dataDir)
    .digest('hex')
    .slice(0, 8)
    .toUpperCase();
  let enrollmentToken: Promise<string> | undefined;
  const token = () => (enrollmentToken ??= createEnrollmentToken(options));

  let next = 0;
  const worker = async () => {
    while (next < options.devices) {
      const index = next++;
      await simulateOne(options, index, runId, token, summary);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.devices) }, worker));
  return summary;
}

async function simulateOne(
  options: AgentSimulationOptions,
  index: number,
  runId: string,
  enrollmentToken: () => Promise<string>,
  summary: SimulationSummary,
) {
  const dir = join(options.dataDir, `agent-${index}`);
  await mkdir(dir, { recursive: true });
  const platform = PLATFORMS[index % PLATFORMS.length]!;
  let identity = await readJson<Identity>(join(dir, 'identity.json'));
  const Client = options.duplicateUploads ? TwiceUploadingClient : AgentClient;
  const client = new Client(options.server, identity && { deviceSecret: identity.deviceSecret });
  try {
    if (!identity) {
      const enrollment = await client.enroll({
        enrollmentToken: await enrollmentToken(),
        platform,
        serialNumber: `SIM${runId}${String(index).padStart(6, '0')}`,
        hardwareUuid: hardwareUuid(runId, index),
        name: `Simulated ${platform} ${index}`,
        osVersion: OS_VERSIONS[platform],
        agentVersion: '1.4.2',
        trayVersion: '1.2.0',
      });
      identity = { deviceId: enrollment.deviceId, deviceSecret: enrollment.deviceSecret };
      await writeJson(join(dir, 'identity.json'), identity);
    }
    summary.enrolled++;

    const fails =
      options.taskOutcome === 'failed' || (options.taskOutcome === 'alternate' && index % 2 === 1);
    const runner = new AgentRunner({
      client,
      dataDir: dir,
      collectState: async () =>
        simulatedState(platform, index, options.macExtensionState ?? 'approved'),
      runTask: async (task) => {
        const result = simulatedResult(fails, task.kind);
        if (result.outcome === 'succeeded') summary.tasks.ok++;
        else summary.tasks.failed++;
        return result;
      },
    });
    // Event ids are fixed per agent and number: a run killed while queuing them queues them again
    // on resume, and the server still stores each once.
    if (!(await readJson<boolean>(join(dir, 'events-recorded.json')))) {
      for (let e = 0; e < options.eventsPerDevice; e++) {
        // A mount report as the real agent sends one (mount-report.ts): a refused USB stick.
        const eventId = `sim-${runId}-${index}-${e}`;
        const occurredAt = Date.now();
        const report: MountReport = {
          eventId,
          occurredAt,
          user: 'user01',
          disk: `disk${4 + e}s1`,
          bus: 'USB',
          mediaKind: 'IOMedia',
          volumeName: `USB DISK ${e}`,
          sizeBytes: 16_000_000_000,
          category: 'external',
          decision: 'deny',
          rule: 'external-bus',
        };
        await runner.recordEvent(MOUNT_EVENT_KIND, { ...report }, occurredAt, eventId);
      }
      await writeJson(join(dir, 'events-recorded.json'), true);
    }
    for (let c = 0; c < options.checkins; c++) {
      const cycle = await runner.cycle();
      summary.checkins++;
      summary.events += cycle.eventsSent;
    }
  } finally {
    client.close();
  }
}

async function createEnrollmentToken(options: AgentSimulationOptions): Promise<string> {
  const saved = join(options.dataDir, 'enrollment-token.json');
  const existing = await readJson<string>(saved);
  if (existing) return existing;
  const response = await fetch(new URL('/api/v1/enrollment-tokens', options.server), {
    method: 'POST',
    headers: { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `agent simulator ${new Date().toISOString()}`,
      // Twice the fleet: a run killed between the server's enrolment and the agent saving its
      // identity enrols that agent again when resumed, which uses the token once more.
      maxUses: options.devices * 2,
    }),
  });
  if (response.status !== 201) {
    throw new Error(`the server refused to create an enrolment token (HTTP ${response.status})`);
  }
  const { token } = (await response.json()) as { token: string };
  await writeJson(saved, token);
  return token;
}

function simulatedState(
  platform: AgentPlatform,
  index: number,
  macExtensionState: ExtensionState,
): AgentReportedState {
  return {
    osVersion: OS_VERSIONS[platform],
    agentVersion: '1.4.2',
    trayVersion: '1.2.0',
    name: `Simulated ${platform} ${index}`,
    model: platform === 'macos' ? 'Mac14,2' : 'Virtual PC',
    extensionState: platform === 'macos' ? macExtensionState : 'absent',
    volumes: [{ name: 'System', mountPoint: platform === 'windows' ? 'C:\\' : '/' }],
  };
}

function simulatedResult(fails: boolean, kind: string): AgentTaskResult {
  const now = Date.now();
  return {
    outcome: fails ? 'failed' : 'succeeded',
    exitCode: fails ? 1603 : 0,
    outputTail: fails
      ? `simulated ${kind}: fatal error during installation`
      : `simulated ${kind}: done`,
    startedAt: now,
    finishedAt: now,
  };
}

/** A client whose uploads reach the server twice, as retries after a lost answer would. */
class TwiceUploadingClient extends AgentClient {
  override async uploadEvents(...args: Parameters<AgentClient['uploadEvents']>) {
    await super.uploadEvents(...args);
    return super.uploadEvents(...args);
  }

  override async reportTaskResult(...args: Parameters<AgentClient['reportTaskResult']>) {
    await super.reportTaskResult(...args);
    return super.reportTaskResult(...args);
  }
}

function hardwareUuid(runId: string, index: number): string {
  const hex = createHash('sha256').update(`${runId}/${index}`).digest('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeJson(path: string, value: unknown) {
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(JSON.stringify(value));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}
