import type { OutstandingCommands } from '../storage/roles/windows-mdm.js';
import type { CspCommandResult, CspResultItem, CspVerb } from './csp-command.js';
import { describeStatus } from './status-codes.js';
import type { SyncmlCommand, SyncmlHeader } from './syncml.js';

/**
 * The pure half of an OMA-DM exchange: which Status each client command gets, and what the
 * client's Status and Results say about the commands this server sent earlier in the session.
 */

/** A device's answer to one queued command, ready for the queue. */
export interface CommandAnswerFound {
  commandId: string;
  outcome: 'acknowledged' | 'error';
  result: CspCommandResult;
}

/** Status elements answering the header and every client command but Status. */
export function statusesFor(
  header: SyncmlHeader,
  commands: SyncmlCommand[],
  nextCmdId: () => string,
  headerCode = '200',
): SyncmlCommand[] {
  const statuses: SyncmlCommand[] = [
    {
      verb: 'Status',
      cmdId: nextCmdId(),
      msgRef: header.msgId,
      cmdRef: '0',
      cmd: 'SyncHdr',
      data: headerCode,
      items: [],
    },
  ];
  for (const command of commands) {
    if (command.verb === 'Status') continue;
    statuses.push({
      verb: 'Status',
      cmdId: nextCmdId(),
      msgRef: header.msgId,
      cmdRef: command.cmdId,
      cmd: command.verb,
      data: command.verb === 'Get' || command.verb === 'Exec' ? '405' : '200',
      items: [],
    });
  }
  return statuses;
}

/**
 * Matches the client's Status and Results to the commands in `outstanding`, removing each
 * answered command (and what its Atomic held) from it. Returns the queued commands' answers and
 * the Results items of the session's own inventory Get.
 */
export function collectAnswers(
  commands: SyncmlCommand[],
  outstanding: OutstandingCommands,
): { answers: CommandAnswerFound[]; inventoryItems: CspResultItem[]; inventoryAnswered: boolean } {
  const statusByCmd = new Map<string, number>();
  const resultsByCmd = new Map<string, CspResultItem[]>();
  for (const command of commands) {
    if (command.cmdRef === undefined) continue;
    if (command.verb === 'Status') statusByCmd.set(command.cmdRef, Number(command.data));
    if (command.verb === 'Results') {
      const items = command.items.map((item) => ({
        source: item.source ?? null,
        format: item.format ?? null,
        data: item.data ?? null,
      }));
      resultsByCmd.set(command.cmdRef, [...(resultsByCmd.get(command.cmdRef) ?? []), ...items]);
    }
  }

  const answers: CommandAnswerFound[] = [];
  let inventoryItems: CspResultItem[] = [];
  let inventoryAnswered = false;
  for (const [cmdId, entry] of Object.entries(outstanding)) {
    if (entry.parent !== undefined) continue;
    const status = statusByCmd.get(cmdId);
    if (status === undefined || Number.isNaN(status)) continue;
    delete outstanding[cmdId];
    if (entry.commandId === 'inventory') {
      inventoryItems = resultsByCmd.get(cmdId) ?? [];
      inventoryAnswered = true;
      continue;
    }
    const inner: { verb: CspVerb; status: number | null }[] = [];
    let results = resultsByCmd.get(cmdId) ?? [];
    for (const [innerId, innerEntry] of Object.entries(outstanding)) {
      if (innerEntry.parent !== cmdId) continue;
      delete outstanding[innerId];
      inner.push({ verb: innerEntry.verb ?? 'Replace', status: statusByCmd.get(innerId) ?? null });
      results = [...results, ...(resultsByCmd.get(innerId) ?? [])];
    }
    const { outcome, meaning } = describeStatus(status);
    answers.push({
      commandId: entry.commandId,
      outcome,
      result: { status, meaning, results, ...(inner.length > 0 ? { inner } : {}) },
    });
  }
  return { answers, inventoryItems, inventoryAnswered };
}
