import { randomUUID } from 'node:crypto';
import type { CommandQueueStore, QueuedCommand } from '../storage/roles/command-queue.js';
import { decodeCspCommand, decodeCspResult, validateCspCommand } from '../windows/csp-command.js';
import type { CspCommand, CspCommandResult } from '../windows/csp-command.js';
import { encodeCspCommand } from '../windows/csp-command.js';
import { CommandQueue } from './command-queue.js';

/** A Windows command row with its command and the device's answer decoded. */
export interface WindowsCommandView {
  id: string;
  deviceId: string;
  origin: string | null;
  status: QueuedCommand['status'];
  command: CspCommand;
  /** Status code, meaning and Results; null until the device answered. */
  result: CspCommandResult | null;
  error: string | null;
  updatedAt: number;
}

/** Told once per recorded answer, after it committed, on the server that received it. */
export type WindowsAnswerListener = (answer: WindowsCommandView) => void;

export function toWindowsCommandView(command: QueuedCommand): WindowsCommandView {
  return {
    id: command.id,
    deviceId: command.deviceId,
    origin: command.origin,
    status: command.status,
    command: decodeCspCommand(command.payload),
    result: decodeCspResult(command.result),
    error: command.error,
    updatedAt: command.updatedAt,
  };
}

/**
 * The Windows MDM channel as other features use it (the Microsoft Store deployment, the
 * removable-storage policy): queue CSP commands for devices with an origin tag, then learn each
 * command's Status and Results either by listening (`onAnswer`, this server only) or by reading
 * the rows by origin (`listByOrigin`, any server: the source of truth when several share a
 * database). Commands go out on the device's next OMA-DM session, in the order queued.
 */
export class WindowsCommands {
  readonly #queue: CommandQueue;
  readonly #store: CommandQueueStore;
  readonly #listeners = new Set<WindowsAnswerListener>();

  constructor(queue: CommandQueue, store: CommandQueueStore) {
    this.#queue = queue;
    this.#store = store;
  }

  /**
   * Queues `command` once per device, tagged with `origin` (e.g. `app:ID`); all or none are
   * queued. Throws InvalidCspCommandError for a command that could not be sent. Returns the new
   * command ids by device id. Pass `within` (the storage a `storage.transaction` callback was
   * given) to queue inside the caller's transaction.
   */
  async enqueue(
    deviceIds: string[],
    command: CspCommand,
    origin: string,
    now = Date.now(),
    within?: CommandQueueStore,
  ): Promise<Map<string, string>> {
    validateCspCommand(command);
    const payload = encodeCspCommand(command);
    const requestType = command.verb;
    const queue = within ? new CommandQueue(within, this.#queue.options) : this.#queue;
    const queued = await queue.enqueue(
      'windows',
      deviceIds,
      () => ({ id: randomUUID(), requestType, payload, origin }),
      now,
    );
    return new Map(queued.map((c) => [c.deviceId, c.id]));
  }

  /** Every Windows command queued with `origin`, newest first, with answers decoded. */
  async listByOrigin(origin: string, limit = 5000): Promise<WindowsCommandView[]> {
    const rows = await this.#store.listCommands({ channel: 'windows', origin, limit });
    return rows.map(toWindowsCommandView);
  }

  async get(id: string): Promise<WindowsCommandView | undefined> {
    const row = await this.#store.getCommand(id);
    return row && row.channel === 'windows' ? toWindowsCommandView(row) : undefined;
  }

  /** Calls `listener` for every answer recorded from now on; returns the way to stop. */
  onAnswer(listener: WindowsAnswerListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called by the management endpoint after a message's answers committed. */
  notifyAnswered(commands: QueuedCommand[]): void {
    if (this.#listeners.size === 0) return;
    for (const command of commands) {
      const view = toWindowsCommandView(command);
      for (const listener of this.#listeners) listener(view);
    }
  }
}
