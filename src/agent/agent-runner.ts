import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AgentReportedState } from '../service/agent/agent-checkin.js';
import { canonicalJson } from '../service/agent/agent-settings.js';
import type { AgentTaskResult } from '../service/agent/agent-tasks.js';
import type { AgentClient, ClaimedTask, EventUpload } from './agent-client.js';
import { AgentHttpError } from './agent-client.js';
import { DiskQueue } from './disk-queue.js';
import { applySettings, readAppliedSettings } from './settings-file.js';
import type { AppliedSettings } from './settings-file.js';

/** Runs one task on the machine; never throws (a failure is a `failed` result). */
export type TaskRunner = (task: ClaimedTask) => Promise<AgentTaskResult>;

export interface AgentRunnerOptions {
  client: AgentClient;
  /** Where the agent keeps its settings and its unsent events and task results. */
  dataDir: string;
  collectState: () => Promise<AgentReportedState>;
  runTask: TaskRunner;
  /** Called after new settings are applied (enforcement reloads them). */
  onSettings?: (applied: AppliedSettings) => void | Promise<void>;
}

export interface CycleSummary {
  settingsApplied: boolean;
  tasksRun: number;
  resultsSent: number;
  eventsSent: number;
  checkinIntervalSeconds: number;
}

const EVENT_BATCH = 500;
const RESULT_BATCH = 50;
/** Claims per cycle; the next check-in picks up whatever is left. */
const MAX_CLAIMS_PER_CYCLE = 10;

/**
 * The agent's check-in loop, one cycle at a time: report state (only when it changed), apply new
 * settings atomically, run due tasks, then send queued task results and events. Results and
 * events are on disk before they are sent and removed only once the server acknowledged them,
 * so a restart or a network loss delays them but neither loses nor duplicates any: the server
 * stores each once by its id.
 */
export class AgentRunner {
  readonly #options: AgentRunnerOptions;
  readonly #events: DiskQueue<Omit<EventUpload, 'id'>>;
  readonly #results: DiskQueue<AgentTaskResult>;
  #acknowledgedStateHash: string | undefined;

  constructor(options: AgentRunnerOptions) {
    this.#options = options;
    this.#events = new DiskQueue(join(options.dataDir, 'events'));
    this.#results = new DiskQueue(join(options.dataDir, 'task-results'));
  }

  /**
   * Queues an event for upload; it is on disk when this resolves. Give `id` when the event has
   * a natural identity, so queuing it twice still stores it once.
   */
  async recordEvent(
    kind: string,
    payload: Record<string, unknown>,
    occurredAt = Date.now(),
    id?: string,
  ) {
    return this.#events.push({ kind, occurredAt, payload }, id);
  }

  /** Events not yet acknowledged by the server. */
  pendingEvents(): Promise<number> {
    return this.#events.size();
  }

  async cycle(): Promise<CycleSummary> {
    const { client, dataDir } = this.#options;
    const state = await this.#options.collectState();
    const stateHash = createHash('sha256').update(canonicalJson(state)).digest('hex');
    const applied = await readAppliedSettings(dataDir);
    const report = { stateHash, settingsEtag: applied?.etag };
    const changed = stateHash !== this.#acknowledgedStateHash;
    let answer = await client.checkIn(changed ? { ...report, state } : report);
    if (answer.sendState) answer = await client.checkIn({ ...report, state });
    this.#acknowledgedStateHash = stateHash;

    let settingsApplied = false;
    if (answer.settings.changed) {
      const fresh = await client.settings(applied?.etag);
      if (fresh) {
        await applySettings(dataDir, fresh);
        await this.#options.onSettings?.(fresh);
        settingsApplied = true;
      }
    }

    let tasksRun = 0;
    for (let claims = 0; answer.tasks.pending > 0 && claims < MAX_CLAIMS_PER_CYCLE; claims++) {
      const { tasks } = await client.tasks();
      if (tasks.length === 0) break;
      for (const task of tasks) {
        await this.#results.push(await this.#options.runTask(task), task.id);
        tasksRun++;
      }
      await this.flushResults();
    }

    const resultsSent = await this.flushResults();
    const eventsSent = await this.flushEvents();
    return {
      settingsApplied,
      tasksRun,
      resultsSent,
      eventsSent,
      checkinIntervalSeconds: answer.checkinIntervalSeconds,
    };
  }

  /** Sends queued task results; answers how many the server acknowledged. */
  async flushResults(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.#results.peek(RESULT_BATCH);
      if (batch.length === 0) return sent;
      for (const item of batch) {
        try {
          await this.#options.client.reportTaskResult(item.id, item.body);
        } catch (error) {
          // 404: the task was cancelled or the device re-enrolled; nobody wants this result.
          if (!(error instanceof AgentHttpError && error.status === 404)) throw error;
        }
        await this.#results.remove([item.id]);
        sent++;
      }
    }
  }

  /** Sends queued events in batches; answers how many were sent. */
  async flushEvents(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.#events.peek(EVENT_BATCH);
      if (batch.length === 0) return sent;
      await this.#options.client.uploadEvents(batch.map((e) => ({ id: e.id, ...e.body })));
      await this.#events.remove(batch.map((e) => e.id));
      sent += batch.length;
    }
  }

  /**
   * Checks in until `signal` aborts, at the interval the server gives; after a failure it waits
   * longer each time (up to the interval), with jitter so a fleet does not retry in step.
   */
  async run(signal: AbortSignal, onError: (error: unknown) => void = () => {}): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      let waitMs: number;
      try {
        const summary = await this.cycle();
        failures = 0;
        waitMs = summary.checkinIntervalSeconds * 1000;
      } catch (error) {
        onError(error);
        failures++;
        waitMs = Math.min(60_000, 1000 * 2 ** Math.min(failures, 6));
      }
      await sleep(waitMs * (0.8 + Math.random() * 0.4), signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
