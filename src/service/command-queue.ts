import { randomUUID } from 'node:crypto';
import type {
  AnswerOutcome,
  CommandAnswerStatus,
  CommandChannel,
  CommandQueueStore,
  NewCommand,
  QueuedCommand,
} from '../storage/roles/command-queue.js';

export interface CommandQueueOptions {
  /** How long a sent command may stay unanswered before it is handed out again. */
  resendAfterMs: number;
  /** Sends before an unanswered command is marked failed. */
  maxAttempts: number;
  /** Identifies this server in leases; one per process. */
  owner?: string;
}

/**
 * The shared command queue with this server's resend rules applied: the one module the Apple and
 * Windows channels and the agent's tasks use to hand out work and record answers.
 */
export class CommandQueue {
  readonly #store: CommandQueueStore;
  readonly #options: Required<CommandQueueOptions>;

  constructor(store: CommandQueueStore, options: CommandQueueOptions) {
    this.#store = store;
    this.#options = Object.freeze({ owner: randomUUID(), ...options });
  }

  get options(): Readonly<Required<CommandQueueOptions>> {
    return this.#options;
  }

  /** Queues one command per device, built by `build`; all or none are queued. */
  async enqueue(
    channel: CommandChannel,
    deviceIds: string[],
    build: (deviceId: string) => Omit<NewCommand, 'channel' | 'deviceId'>,
    now = Date.now(),
  ): Promise<NewCommand[]> {
    const commands = deviceIds.map((deviceId) => ({ ...build(deviceId), channel, deviceId }));
    await this.#store.enqueueCommands(commands, now);
    return commands;
  }

  /** This server's lease settings, for a store call that claims (recordAnswerAndClaimNext). */
  claimOptions() {
    return {
      owner: this.#options.owner,
      leaseMs: this.#options.resendAfterMs,
      maxAttempts: this.#options.maxAttempts,
    };
  }

  /** The device's next command, leased to this server; undefined when there is nothing to send. */
  next(channel: CommandChannel, deviceId: string, now = Date.now()) {
    return this.#store.claimNextCommand({
      channel,
      deviceId,
      now,
      owner: this.#options.owner,
      leaseMs: this.#options.resendAfterMs,
      maxAttempts: this.#options.maxAttempts,
    });
  }

  /** Up to `max` of the device's next commands, leased to this server; empty when none. */
  nextBatch(channel: CommandChannel, deviceId: string, max: number, now = Date.now()) {
    return this.#store.claimCommands({
      channel,
      deviceId,
      now,
      max,
      owner: this.#options.owner,
      leaseMs: this.#options.resendAfterMs,
      maxAttempts: this.#options.maxAttempts,
    });
  }

  /** Records the device's answer once; NotNow pauses the queue until `resume`. */
  answer(
    channel: CommandChannel,
    deviceId: string,
    commandId: string,
    status: CommandAnswerStatus,
    details: { result?: string | null; error?: string | null } = {},
    now = Date.now(),
  ): Promise<AnswerOutcome> {
    return this.#store.recordCommandAnswer({
      channel,
      deviceId,
      commandId,
      status,
      ...details,
      now,
    });
  }

  /**
   * Records the device's answer and leases its next command in one transaction: the hot path of
   * a device working through its queue.
   */
  answerAndNext(
    channel: CommandChannel,
    deviceId: string,
    commandId: string,
    status: CommandAnswerStatus,
    details: { result?: string | null; error?: string | null } = {},
    now = Date.now(),
  ) {
    return this.#store.recordAnswerAndClaimNext(
      { channel, deviceId, commandId, status, ...details, now },
      {
        owner: this.#options.owner,
        leaseMs: this.#options.resendAfterMs,
        maxAttempts: this.#options.maxAttempts,
      },
    );
  }

  /** A push sent or a check-in received: delivery may start again after a NotNow. */
  resume(channel: CommandChannel, deviceId: string) {
    return this.#store.resumeQueues(channel, [deviceId]);
  }

  /** Re-enrolment: nothing queued for the old enrolment survives it. */
  clear(channel: CommandChannel, deviceId: string, reason: string, now = Date.now()) {
    return this.#store.clearQueue(channel, deviceId, reason, now);
  }

  cancel(id: string, reason: string, now = Date.now()): Promise<QueuedCommand | undefined> {
    return this.#store.cancelCommand(id, reason, now);
  }

  /** Marks failed what was sent too often without an answer, so the API shows it. */
  sweep(now = Date.now()) {
    return this.#store.failExhaustedCommands(now, this.#options.maxAttempts);
  }
}
