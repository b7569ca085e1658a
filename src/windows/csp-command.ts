import { XMLValidator } from 'fast-xml-parser';
import { DEFAULT_XML_LIMITS, refuseDeclarations } from './hardened-xml.js';
import type { SyncmlCommand } from './syncml.js';

/**
 * A command for a Windows device's configuration service providers (CSPs), as the queue stores
 * it: the SyncML verb and the nodes it addresses. The server gives it a CmdID when it sends it.
 */
export const CSP_VERBS = ['Add', 'Replace', 'Delete', 'Get', 'Exec'] as const;
export type CspVerb = (typeof CSP_VERBS)[number];

export interface CspItem {
  /** The node, e.g. `./Device/Vendor/MSFT/Policy/Config/Storage/RemovableDiskDenyWriteAccess`. */
  target: string;
  /** Meta/Format: chr (default for text), int, bool, b64, xml, node. */
  format?: string | undefined;
  /** Meta/Type, e.g. text/plain. */
  type?: string | undefined;
  /** The value; with format `xml`, well-formed inline markup (no DTD). */
  data?: string | undefined;
}

export type CspCommand =
  | { verb: CspVerb; items: CspItem[] }
  | { verb: 'Atomic'; commands: { verb: CspVerb; items: CspItem[] }[] };

/** One Results item the device sent back for a Get (or an Exec that returns data). */
export interface CspResultItem {
  source: string | null;
  format: string | null;
  data: string | null;
}

/**
 * What the queue row's `result` holds once the device answered (JSON): the Status code and its
 * meaning, the Results items, and for an Atomic the status of each command inside it.
 */
export interface CspCommandResult {
  status: number;
  meaning: string;
  results: CspResultItem[];
  inner?: { verb: CspVerb; status: number | null }[];
}

/** Why a command cannot be queued; the HTTP layer maps it to a 400. */
export class InvalidCspCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCspCommandError';
  }
}

function checkItems(verb: CspVerb, items: CspItem[]): void {
  if (items.length === 0) throw new InvalidCspCommandError(`${verb} has no items`);
  for (const item of items) {
    if (!/^\.\/\S+$/.test(item.target)) {
      throw new InvalidCspCommandError(`target ${JSON.stringify(item.target)} is not a ./ URI`);
    }
    if (item.format === 'xml' && item.data !== undefined) {
      refuseDeclarations(item.data, DEFAULT_XML_LIMITS);
      if (XMLValidator.validate(`<Data>${item.data}</Data>`) !== true) {
        throw new InvalidCspCommandError(`xml data of ${item.target} is not well-formed`);
      }
    }
  }
}

/** Throws InvalidCspCommandError unless the command can be sent as it is. */
export function validateCspCommand(command: CspCommand): void {
  if (command.verb === 'Atomic') {
    if (command.commands.length === 0) throw new InvalidCspCommandError('Atomic is empty');
    for (const inner of command.commands) checkItems(inner.verb, inner.items);
    return;
  }
  checkItems(command.verb, command.items);
}

/** The queue payload of a command (JSON); `decodeCspCommand` reads it back. */
export function encodeCspCommand(command: CspCommand): string {
  return JSON.stringify(command);
}

export function decodeCspCommand(payload: string): CspCommand {
  return JSON.parse(payload) as CspCommand;
}

/** The device's answer stored on a command row, or null while there is none. */
export function decodeCspResult(result: string | null): CspCommandResult | null {
  return result === null ? null : (JSON.parse(result) as CspCommandResult);
}

/** Builds the SyncML for a queued command, numbering it (and what it holds) with `nextCmdId`. */
export function toSyncmlCommand(command: CspCommand, nextCmdId: () => string): SyncmlCommand {
  if (command.verb === 'Atomic') {
    const cmdId = nextCmdId();
    return {
      verb: 'Atomic',
      cmdId,
      items: [],
      commands: command.commands.map((inner) => toSyncmlCommand(inner, nextCmdId)),
    };
  }
  return { verb: command.verb, cmdId: nextCmdId(), items: command.items };
}
