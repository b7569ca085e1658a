import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { CommandStatus, QueuedCommand } from '../../storage/roles/command-queue.js';
import type { Storage } from '../../storage/storage.js';
import { CommandQueue } from '../command-queue.js';

/** What to run on the device: a kind the agent knows, and its arguments. */
export interface AgentTaskSpec {
  /**
   * The agent's task kind. Built in: `exec` (`{ command, args?, timeoutSeconds?,
   * successExitCodes? }`: run a program, e.g. an installer or `winget`/`choco`, and report its
   * exit code and the tail of its output).
   */
  kind: string;
  arguments: Record<string, unknown>;
  /** What asked for it (`app:ID`, `package:ID` …), to find its tasks again with `list`. */
  origin?: string | undefined;
}

/** What the agent reports when a task has run. */
export interface AgentTaskResult {
  /** The agent's verdict: `succeeded` when the exit code is one the task counts as success. */
  outcome: 'succeeded' | 'failed';
  /** The program's exit code; null when it could not be started or was killed. */
  exitCode: number | null;
  /** The last few KB of the program's output (stdout and stderr, interleaved). */
  outputTail: string;
  startedAt: number;
  finishedAt: number;
  /** Why the agent could not run it, when it could not. */
  error?: string | undefined;
}

/** A task as stored in the shared command queue (channel `agent`). */
export interface AgentTask {
  id: string;
  deviceId: string;
  kind: string;
  arguments: Record<string, unknown>;
  origin: string | null;
  /** The queue's status: `acknowledged` = succeeded, `error` = failed on the device. */
  status: CommandStatus;
  attempts: number;
  createdAt: number;
  sentAt: number | null;
  answeredAt: number | null;
  /** The agent's report, once there is one. */
  result: AgentTaskResult | null;
  /** Why the server failed or cancelled it, in words. */
  error: string | null;
}

/** Tasks the agent gets per request; it asks again while its check-in says more are due. */
export const TASKS_PER_CLAIM = 10;

export function toAgentTask(command: QueuedCommand): AgentTask {
  return {
    id: command.id,
    deviceId: command.deviceId,
    kind: command.requestType,
    arguments: JSON.parse(command.payload) as Record<string, unknown>,
    origin: command.origin,
    status: command.status,
    attempts: command.attempts,
    createdAt: command.createdAt,
    sentAt: command.sentAt,
    answeredAt: command.answeredAt,
    result: command.result ? (JSON.parse(command.result) as AgentTaskResult) : null,
    error: command.error,
  };
}

/**
 * Agent tasks over the shared command queue: ordered per device, leased so two servers never
 * hand out one task at once, handed out again when a lease runs out unanswered, failed after
 * too many tries, and answered once. This is the API other features use to run things on
 * devices through the agent (Chocolatey and Microsoft Store installs, for example).
 */
export class AgentTasks {
  readonly #storage: Storage;
  readonly #queue: CommandQueue;
  readonly #logger: Logger;
  readonly #emitter = new EventEmitter();

  constructor(storage: Storage, queue: CommandQueue, logger: Logger) {
    this.#storage = storage;
    this.#queue = queue;
    this.#logger = logger;
    this.#emitter.setMaxListeners(0);
  }

  /**
   * Queues the task once per device, all or none; answers the tasks as queued. Pass the storage
   * of an open transaction as `within` to queue as part of it (with an audit entry, say).
   */
  async enqueue(deviceIds: string[], spec: AgentTaskSpec, within?: Storage): Promise<AgentTask[]> {
    const payload = JSON.stringify(spec.arguments);
    const queued = await this.#queueOver(within).enqueue('agent', deviceIds, () => ({
      id: randomUUID(),
      requestType: spec.kind,
      payload,
      origin: spec.origin ?? null,
    }));
    const now = Date.now();
    return queued.map((c) => ({
      id: c.id,
      deviceId: c.deviceId,
      kind: spec.kind,
      arguments: spec.arguments,
      origin: spec.origin ?? null,
      status: 'pending',
      attempts: 0,
      createdAt: now,
      sentAt: null,
      answeredAt: null,
      result: null,
      error: null,
    }));
  }

  /** One task by id; undefined when there is none or it is not an agent task. */
  async get(id: string): Promise<AgentTask | undefined> {
    const command = await this.#storage.getCommand(id);
    return command?.channel === 'agent' ? toAgentTask(command) : undefined;
  }

  /** Tasks, newest first, by device, origin or status. */
  async list(
    filter: { deviceId?: string; origin?: string; status?: CommandStatus; limit?: number } = {},
  ): Promise<AgentTask[]> {
    const commands = await this.#storage.listCommands({ ...filter, channel: 'agent' });
    return commands.map(toAgentTask);
  }

  /** Cancels a task not yet answered; undefined when there is no such task. */
  async cancel(id: string, reason: string, within?: Storage): Promise<AgentTask | undefined> {
    const command = await (within ?? this.#storage).getCommand(id);
    if (command?.channel !== 'agent') return undefined;
    const cancelled = await this.#queueOver(within).cancel(id, reason);
    return cancelled && toAgentTask(cancelled);
  }

  #queueOver(within: Storage | undefined): CommandQueue {
    return within ? new CommandQueue(within, this.#queue.options) : this.#queue;
  }

  /**
   * Calls `listener` once per task result this server records (never for a repeated upload).
   * With several servers, each hears the results it recorded; `list` sees them all.
   * Answers a function that unsubscribes.
   */
  onResult(listener: (task: AgentTask) => void): () => void {
    const wrapped = (task: AgentTask) => {
      try {
        listener(task);
      } catch (error) {
        this.#logger.error({ err: error, taskId: task.id }, 'agent task listener failed');
      }
    };
    this.#emitter.on('result', wrapped);
    return () => this.#emitter.off('result', wrapped);
  }

  /** Leases up to TASKS_PER_CLAIM of the device's due tasks, in queue order. */
  async claim(deviceId: string): Promise<AgentTask[]> {
    const tasks: AgentTask[] = [];
    while (tasks.length < TASKS_PER_CLAIM) {
      const command = await this.#queue.next('agent', deviceId);
      if (!command) break;
      tasks.push(toAgentTask(command));
    }
    return tasks;
  }

  /**
   * Records the device's result for its task once. `unknown` when the task is not this
   * device's (or does not exist), so a device learns nothing about other devices' tasks;
   * `not_sent` when it is, but was never handed out, so the device cannot have run it.
   */
  async recordResult(
    deviceId: string,
    taskId: string,
    result: AgentTaskResult,
  ): Promise<'recorded' | 'duplicate' | 'unknown' | 'not_sent'> {
    const task = await this.#storage.getCommand(taskId);
    if (task?.channel !== 'agent' || task.deviceId !== deviceId) return 'unknown';
    if (task.sentAt === null) return 'not_sent';
    const answer = await this.#queue.answer(
      'agent',
      deviceId,
      taskId,
      result.outcome === 'succeeded' ? 'acknowledged' : 'error',
      {
        result: JSON.stringify(result),
        error: result.outcome === 'failed' ? failure(result) : null,
      },
    );
    if (answer.outcome === 'recorded') this.#emitter.emit('result', toAgentTask(answer.command));
    return answer.outcome;
  }
}

function failure(result: AgentTaskResult): string {
  if (result.error) return result.error;
  return result.exitCode === null ? 'the program did not finish' : `exit code ${result.exitCode}`;
}
