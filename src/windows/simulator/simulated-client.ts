import { renderSyncml } from '../syncml.js';
import type { SyncmlCommand, SyncmlMessage } from '../syncml.js';
import { CspTree } from './csp-tree.js';

/** Counts of what the server asked a simulated device to do. */
export interface CommandTally {
  received: number;
  ok: number;
  error: number;
}

/**
 * The OMA-DM client side of a simulated Windows device: opens sessions the way Windows does
 * (Alert 1201 and 1224, Replace ./DevInfo), answers each server message with a Status for the
 * header and every command plus Results for Gets, and knows when the server has finished.
 */
export class SimulatedOmaDmClient {
  readonly tree: CspTree;
  readonly tally: CommandTally = { received: 0, ok: 0, error: 0 };
  #session = 0;
  #msgId = 0;
  #cmdId = 0;

  constructor(
    readonly deviceId: string,
    readonly serverUrl: string,
    initial: Record<string, string>,
  ) {
    this.tree = new CspTree(initial);
  }

  get sessionId(): string {
    return this.#session.toString(16).toUpperCase();
  }

  #header(): SyncmlMessage['header'] {
    return {
      verDtd: '1.2',
      verProto: 'DM/1.2',
      sessionId: this.sessionId,
      msgId: String(++this.#msgId),
      target: this.serverUrl,
      source: this.deviceId,
    };
  }

  #id(): string {
    return String(++this.#cmdId);
  }

  /** The first message of a new session. */
  openSession(): string {
    this.#session += 1;
    this.#msgId = 0;
    this.#cmdId = 0;
    const devInfo = ['DevId', 'Man', 'Mod', 'DmV', 'Lang'].map((name) => ({
      source: `./DevInfo/${name}`,
      data: this.tree.get(`./DevInfo/${name}`) ?? '',
    }));
    return renderSyncml({
      header: this.#header(),
      commands: [
        { verb: 'Alert', cmdId: this.#id(), data: '1201', items: [] },
        {
          verb: 'Alert',
          cmdId: this.#id(),
          data: '1224',
          items: [{ type: 'com.microsoft/MDM/LoginStatus', data: 'user' }],
        },
        { verb: 'Replace', cmdId: this.#id(), items: devInfo },
      ],
      final: true,
    });
  }

  /**
   * The answer to a server message, or undefined when the server sent nothing but Status
   * (the session is over).
   */
  answer(server: SyncmlMessage): string | undefined {
    const work = server.commands.filter((c) => c.verb !== 'Status');
    if (work.length === 0) return undefined;
    const header = this.#header();
    const replies: SyncmlCommand[] = [this.#status(server.header.msgId, '0', 'SyncHdr', 200)];
    for (const command of work) {
      if (command.verb === 'Alert') {
        replies.push(this.#status(server.header.msgId, command.cmdId, 'Alert', 200));
        continue;
      }
      const outcome = this.tree.apply(command);
      this.tally.received += 1;
      if (outcome.status < 300) this.tally.ok += 1;
      else this.tally.error += 1;
      replies.push(this.#status(server.header.msgId, command.cmdId, command.verb, outcome.status));
      for (const inner of outcome.inner ?? []) {
        replies.push(this.#status(server.header.msgId, inner.cmdId, inner.verb, inner.status));
      }
      if (outcome.results.length > 0) {
        replies.push({
          verb: 'Results',
          cmdId: this.#id(),
          msgRef: server.header.msgId,
          cmdRef: command.cmdId,
          items: outcome.results,
        });
      }
    }
    return renderSyncml({ header, commands: replies, final: true });
  }

  #status(msgRef: string, cmdRef: string, cmd: string, code: number): SyncmlCommand {
    return {
      verb: 'Status',
      cmdId: this.#id(),
      msgRef,
      cmdRef,
      cmd,
      data: String(code),
      items: [],
    };
  }
}
