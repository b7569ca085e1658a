/**
 * The durable per-device command queue shared by the Apple and Windows MDM channels and the
 * agent's tasks. Rules it keeps, whatever the channel:
 * - commands of one device are handed out in the order they were queued;
 * - a command is handed out again only when its lease ran out unanswered, so two servers never
 *   hand out the same command at once, and it fails (with a reason) after too many tries;
 * - its answer is recorded once: a repeated answer is reported as a duplicate and changes nothing;
 * - a failed or unanswered command never blocks the ones behind it.
 */

export const COMMAND_CHANNELS = ['apple', 'windows', 'agent'] as const;
export type CommandChannel = (typeof COMMAND_CHANNELS)[number];

export const COMMAND_STATUSES = [
  'pending',
  'sent',
  'acknowledged',
  'error',
  'not_now',
  'failed',
  'cancelled',
] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** The answers a device can give; `failed` and `cancelled` are the server's own verdicts. */
export type CommandAnswerStatus = 'acknowledged' | 'error' | 'not_now';

export interface NewCommand {
  /** Unique across channels: Apple's CommandUUID, a SyncML command's id, an agent task id. */
  id: string;
  channel: CommandChannel;
  deviceId: string;
  /** The protocol's own name, e.g. InstallProfile, Replace, choco-upgrade. */
  requestType: string;
  /** What is sent to the device, in the channel's own encoding. */
  payload: string;
  /** What queued it, e.g. `policy:ID` or `app:ID`, so results can be traced back. */
  origin?: string | null;
}

export interface QueuedCommand extends Required<NewCommand> {
  status: CommandStatus;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
  answeredAt: number | null;
  /** The device's answer (channel encoding, usually JSON), once there is one. */
  result: string | null;
  /** Why it failed or was cancelled, or the device's error, in words. */
  error: string | null;
}

export interface ClaimOptions {
  channel: CommandChannel;
  deviceId: string;
  now: number;
  /** Identifies the server instance that holds the lease. */
  owner: string;
  leaseMs: number;
  maxAttempts: number;
}

export interface CommandAnswer {
  channel: CommandChannel;
  deviceId: string;
  commandId: string;
  status: CommandAnswerStatus;
  result?: string | null;
  error?: string | null;
  now: number;
}

export type AnswerOutcome =
  | { outcome: 'recorded'; command: QueuedCommand }
  | { outcome: 'duplicate'; command: QueuedCommand }
  | { outcome: 'unknown' };

export interface CommandQueueStore {
  /** Queues all or none. */
  enqueueCommands(commands: NewCommand[], now: number): Promise<void>;
  /**
   * Leases the device's next command and marks it sent; undefined when there is none, or while
   * the queue is paused (after NotNow, until the next push or check-in).
   */
  claimNextCommand(options: ClaimOptions): Promise<QueuedCommand | undefined>;
  /** Records a device's answer once; `unknown` when the command is not this device's. */
  recordCommandAnswer(answer: CommandAnswer): Promise<AnswerOutcome>;
  /**
   * One device round trip in one transaction: `recordCommandAnswer` then `claimNextCommand` for
   * the same device and channel, with exactly their semantics. The claim happens whatever the
   * answer's outcome (a duplicate or unknown answer still lets the device fetch its next command).
   */
  recordAnswerAndClaimNext(
    answer: CommandAnswer,
    claim: Pick<ClaimOptions, 'owner' | 'leaseMs' | 'maxAttempts'>,
  ): Promise<{ answer: AnswerOutcome; next: QueuedCommand | undefined }>;
  getCommand(id: string): Promise<QueuedCommand | undefined>;
  listCommands(filter: {
    deviceId?: string;
    channel?: CommandChannel;
    origin?: string;
    status?: CommandStatus;
    limit?: number;
  }): Promise<QueuedCommand[]>;
  /** Cancels a command that has not been answered; undefined when there is none such. */
  cancelCommand(id: string, reason: string, now: number): Promise<QueuedCommand | undefined>;
  /** Cancels every unanswered command of a device on a channel (re-enrolment); returns how many. */
  clearQueue(
    channel: CommandChannel,
    deviceId: string,
    reason: string,
    now: number,
  ): Promise<number>;
  pauseQueue(channel: CommandChannel, deviceId: string, now: number): Promise<void>;
  /** Lifts a NotNow pause from each of the devices' queues, in one statement per 500 devices. */
  resumeQueues(channel: CommandChannel, deviceIds: readonly string[]): Promise<void>;
  /** Marks failed the sent commands whose last lease ran out after `maxAttempts` tries. */
  failExhaustedCommands(now: number, maxAttempts: number): Promise<number>;
  /**
   * Leases up to `max` of the device's next commands at once, in queue order, by the same rules
   * as `claimNextCommand` (channels that send several commands per message, like OMA-DM).
   * Empty when there is none, or while the queue is paused.
   */
  claimCommands(options: ClaimOptions & { max: number }): Promise<QueuedCommand[]>;
}
