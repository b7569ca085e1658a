import type { Storage } from '../storage/storage.js';
import type { QueuedCommand, WindowsEnrollment, WindowsSession } from '../storage/storage.js';
import { decodeCspCommand, toSyncmlCommand } from '../windows/csp-command.js';
import { INVENTORY_GET_ITEMS, readInventory } from '../windows/inventory.js';
import type { WindowsInventory } from '../windows/inventory.js';
import { collectAnswers, statusesFor } from '../windows/session-reply.js';
import { parseSyncml, renderSyncml } from '../windows/syncml.js';
import type { SyncmlCommand, SyncmlMessage } from '../windows/syncml.js';
import { CommandQueue } from './command-queue.js';
import type { WindowsCommands } from './windows-commands.js';

/** Alert codes of [MS-MDM] §2.2.6 that the server itself sends. */
const ALERT_NEXT_MESSAGE = '1222';

export interface ManagementDeps {
  storage: Storage;
  queue: CommandQueue;
  windowsCommands: WindowsCommands;
  /** Queued commands sent in one server message at most. */
  commandsPerMessage: number;
}

export type ManagementOutcome =
  | { kind: 'reply'; xml: string; deviceId: string; sent: number; answered: number }
  | { kind: 'refused'; statusCode: 401 | 403; code: string; message: string };

/**
 * Handles one SyncML message from an enrolled Windows device (OMA-DM over [MS-MDM]) and writes
 * the server's reply. The device is the one whose enrolment certificate has `fingerprint`; its
 * SyncHdr Source must be that device's id. Everything the message changes (answers recorded,
 * commands leased, session and inventory) commits in one transaction, after the whole message
 * parsed: a malformed message (XmlRefusedError, thrown) changes nothing.
 */
export async function handleManagementMessage(
  deps: ManagementDeps,
  fingerprint: string,
  body: string,
  now = Date.now(),
): Promise<ManagementOutcome> {
  // The enrolment (with its session) is read in the transaction that updates it, so two
  // messages of one device never both build on the same session state.
  const outcome = await deps.storage.transaction(async (storage) => {
    const enrollment = await storage.findWindowsEnrollment(fingerprint);
    if (!enrollment) {
      return refused(401, 'windows_device_unknown', 'the client certificate is not enrolled');
    }
    const message = parseSyncml(body);
    if (message.header.source !== enrollment.hardwareDeviceId) {
      return refused(403, 'windows_device_mismatch', 'SyncHdr Source is not the enrolled device');
    }
    return { enrollment, ...(await exchange(deps, storage, enrollment, message, now)) };
  });
  if ('kind' in outcome) return outcome;
  const { enrollment, reply, recorded, sent } = outcome;
  if (recorded.length > 0) deps.windowsCommands.notifyAnswered(recorded);
  return {
    kind: 'reply',
    xml: renderSyncml(reply),
    deviceId: enrollment.deviceId,
    sent,
    answered: recorded.length,
  };
}

function refused(statusCode: 401 | 403, code: string, message: string): ManagementOutcome {
  return { kind: 'refused', statusCode, code, message };
}

async function exchange(
  deps: ManagementDeps,
  storage: Storage,
  enrollment: WindowsEnrollment,
  message: SyncmlMessage,
  now: number,
) {
  const { header } = message;
  const newSession = enrollment.session.sessionId !== header.sessionId;
  const session: WindowsSession = newSession
    ? { sessionId: header.sessionId, msgId: 0, nextCmdId: 1, outstanding: {} }
    : enrollment.session;
  session.msgId = Number(header.msgId) || session.msgId + 1;
  const nextCmdId = () => String(session.nextCmdId++);
  const queue = new CommandQueue(storage, deps.queue.options);

  const commands: SyncmlCommand[] = statusesFor(header, message.commands, nextCmdId);
  const { answers, inventoryItems } = collectAnswers(message.commands, session.outstanding);
  const recorded: QueuedCommand[] = [];
  for (const answer of answers) {
    const outcome = await queue.answer(
      'windows',
      enrollment.deviceId,
      answer.commandId,
      answer.outcome,
      {
        result: JSON.stringify(answer.result),
        error:
          answer.outcome === 'error' ? `${answer.result.status}: ${answer.result.meaning}` : null,
      },
      now,
    );
    if (outcome.outcome === 'recorded') recorded.push(outcome.command);
  }

  const inventory = (
    enrollment.inventory ? JSON.parse(enrollment.inventory) : {}
  ) as WindowsInventory;
  let changed = false;
  for (const command of message.commands) {
    if (command.verb === 'Replace') changed = readInventory(command.items, inventory) || changed;
  }
  changed =
    readInventory(
      inventoryItems.map((item) => ({
        source: item.source ?? undefined,
        data: item.data ?? undefined,
      })),
      inventory,
    ) || changed;
  if (changed) {
    // By id: the answer describes this enrolment's device, whatever serial number it reports
    // (a serial number another device holds is not taken).
    await storage.updateDevice(enrollment.deviceId, {
      platform: 'windows',
      udid: enrollment.hardwareDeviceId,
      serialNumber: inventory.serialNumber,
      model: inventory.model,
      osVersion: inventory.osVersion,
      // SwV (10.0.22631.3447) is version and build in one; the edition stays in the inventory.
      osBuild: inventory.osVersion?.split('.').slice(2).join('.') || undefined,
      name: inventory.deviceName,
      lastSeenAt: now,
    });
  } else if (newSession) {
    await storage.touchDevice(enrollment.deviceId, now);
  }

  let sent = 0;
  if (!message.final) {
    // The client has more to send in this package: ask for it before sending anything new.
    commands.push({ verb: 'Alert', cmdId: nextCmdId(), data: ALERT_NEXT_MESSAGE, items: [] });
  } else {
    if (newSession) {
      const get: SyncmlCommand = { verb: 'Get', cmdId: nextCmdId(), items: INVENTORY_GET_ITEMS };
      session.outstanding[get.cmdId] = { commandId: 'inventory' };
      commands.push(get);
    }
    const claimed = await queue.nextBatch(
      'windows',
      enrollment.deviceId,
      deps.commandsPerMessage,
      now,
    );
    for (const queued of claimed) {
      const command = toSyncmlCommand(decodeCspCommand(queued.payload), nextCmdId);
      session.outstanding[command.cmdId] = { commandId: queued.id };
      for (const inner of command.commands ?? []) {
        session.outstanding[inner.cmdId] = {
          commandId: queued.id,
          parent: command.cmdId,
          verb: inner.verb as 'Replace',
        };
      }
      commands.push(command);
    }
    sent = claimed.length;
  }

  await storage.saveWindowsSession(
    enrollment.deviceId,
    session,
    now,
    changed ? JSON.stringify(inventory) : undefined,
  );
  const reply: SyncmlMessage = {
    header: {
      verDtd: '1.2',
      verProto: 'DM/1.2',
      sessionId: header.sessionId,
      msgId: header.msgId,
      target: header.source,
      source: header.target,
    },
    commands,
    final: message.final,
  };
  return { reply, recorded, sent };
}
