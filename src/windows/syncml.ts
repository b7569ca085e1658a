import {
  DEFAULT_XML_LIMITS,
  XmlRefusedError,
  decodeXmlText,
  escapeXml,
  refuseDeclarations,
} from './hardened-xml.js';
import type { XmlLimits } from './hardened-xml.js';
import { readXmlTree } from './xml-tree.js';

/**
 * SyncML 1.2 as OMA-DM and Windows MDM use it ([MS-MDM], OMA-DM Representation Protocol):
 * parsing either side's message into a flat model, and writing one back. Pure: no I/O.
 */

export const SYNCML_CONTENT_TYPE = 'application/vnd.syncml.dm+xml';

/** The commands a message body may carry, with the spec's own names. */
export const SYNCML_VERBS = [
  'Alert',
  'Add',
  'Replace',
  'Delete',
  'Get',
  'Exec',
  'Atomic',
  'Sequence',
  'Status',
  'Results',
] as const;
export type SyncmlVerb = (typeof SYNCML_VERBS)[number];

export interface SyncmlItem {
  source?: string | undefined;
  target?: string | undefined;
  /** Meta/Format: chr, int, bool, b64, xml, node … */
  format?: string | undefined;
  /** Meta/Type, e.g. text/plain or com.microsoft/MDM/LoginStatus. */
  type?: string | undefined;
  /** Decoded text; for format `xml` the inline markup as sent. */
  data?: string | undefined;
}

export interface SyncmlCommand {
  verb: SyncmlVerb;
  cmdId: string;
  /** Alert code, or a Status code. */
  data?: string | undefined;
  items: SyncmlItem[];
  /** Status and Results: what they answer. */
  msgRef?: string | undefined;
  cmdRef?: string | undefined;
  cmd?: string | undefined;
  /** Atomic and Sequence: the commands inside. */
  commands?: SyncmlCommand[] | undefined;
}

export interface SyncmlHeader {
  verDtd: string;
  verProto: string;
  sessionId: string;
  msgId: string;
  target: string;
  source: string;
}

export interface SyncmlMessage {
  header: SyncmlHeader;
  /** In CmdID order, which both sides use in document order. */
  commands: SyncmlCommand[];
  final: boolean;
}

const ARRAYS = new Set<string>([...SYNCML_VERBS, 'Item']);
// Data may hold inline XML (Exec StoreInstall); it is kept raw and decoded per its format.
const RAW = new Set(['Data']);

type Node = Record<string, unknown>;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && '#text' in (value as Node)) {
    return String((value as Node)['#text']);
  }
  return undefined;
}

function required(node: Node, name: string, where: string): string {
  const value = text(node[name]);
  if (value === undefined || value === '') {
    throw new XmlRefusedError('xml_malformed', `${where} has no ${name}`);
  }
  return value;
}

function locUri(node: unknown): string | undefined {
  return node && typeof node === 'object' ? text((node as Node).LocURI) : undefined;
}

function rawData(value: unknown): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (trimmed.startsWith('<![CDATA[') && trimmed.endsWith(']]>')) return trimmed.slice(9, -3);
  return trimmed;
}

function readItem(node: Node, parentMeta: Node | undefined): SyncmlItem {
  const meta = (node.Meta as Node | undefined) ?? parentMeta;
  const format = meta ? text(meta.Format) : undefined;
  const data = rawData(node.Data);
  return {
    source: locUri(node.Source),
    target: locUri(node.Target),
    format,
    type: meta ? text(meta.Type) : undefined,
    data: data === undefined || format === 'xml' ? data : decodeXmlText(data),
  };
}

function readCommands(body: Node, depth: number): SyncmlCommand[] {
  const commands: SyncmlCommand[] = [];
  for (const verb of SYNCML_VERBS) {
    const nodes = body[verb] as Node[] | undefined;
    if (!nodes) continue;
    for (const node of nodes) {
      if (typeof node !== 'object') throw new XmlRefusedError('xml_malformed', `empty ${verb}`);
      const meta = node.Meta as Node | undefined;
      const nested = verb === 'Atomic' || verb === 'Sequence';
      if (nested && depth > 2) throw new XmlRefusedError('xml_too_deep', 'Atomic nested too deep');
      const dataText = rawData(node.Data);
      commands.push({
        verb,
        cmdId: required(node, 'CmdID', verb),
        data: dataText === undefined ? undefined : decodeXmlText(dataText),
        items: ((node.Item as Node[] | undefined) ?? []).map((item) => readItem(item, meta)),
        msgRef: text(node.MsgRef),
        cmdRef: text(node.CmdRef),
        cmd: text(node.Cmd),
        commands: nested ? readCommands(node, depth + 1) : undefined,
      });
    }
  }
  return commands.sort((a, b) => Number(a.cmdId) - Number(b.cmdId));
}

/**
 * Parses one SyncML message. Throws XmlRefusedError for anything that is not a whole, well-formed
 * SyncML 1.2 message (DTDs, entities, truncation, missing header fields), before any effect.
 */
export function parseSyncml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): SyncmlMessage {
  refuseDeclarations(text, limits);
  const document = readXmlTree(text, { arrays: ARRAYS, raw: RAW, maxDepth: limits.maxDepth });
  const root = document.SyncML as Node | undefined;
  if (!root || typeof root !== 'object') {
    throw new XmlRefusedError('xml_malformed', 'not a SyncML document');
  }
  const hdr = root.SyncHdr as Node | undefined;
  const body = root.SyncBody as Node | undefined;
  if (!hdr || typeof hdr !== 'object') throw new XmlRefusedError('xml_malformed', 'no SyncHdr');
  if (body === undefined) throw new XmlRefusedError('xml_malformed', 'no SyncBody');
  const header: SyncmlHeader = {
    verDtd: required(hdr, 'VerDTD', 'SyncHdr'),
    verProto: required(hdr, 'VerProto', 'SyncHdr'),
    sessionId: required(hdr, 'SessionID', 'SyncHdr'),
    msgId: required(hdr, 'MsgID', 'SyncHdr'),
    target: locUri(hdr.Target) ?? '',
    source: locUri(hdr.Source) ?? '',
  };
  if (!header.source) throw new XmlRefusedError('xml_malformed', 'SyncHdr has no Source');
  const bodyNode = typeof body === 'object' ? body : {};
  return { header, commands: readCommands(bodyNode, 0), final: 'Final' in bodyNode };
}

function renderItem(item: SyncmlItem): string {
  let out = '<Item>';
  if (item.target !== undefined)
    out += `<Target><LocURI>${escapeXml(item.target)}</LocURI></Target>`;
  if (item.source !== undefined)
    out += `<Source><LocURI>${escapeXml(item.source)}</LocURI></Source>`;
  if (item.format !== undefined || item.type !== undefined) {
    out += '<Meta>';
    if (item.format !== undefined) {
      out += `<Format xmlns="syncml:metinf">${escapeXml(item.format)}</Format>`;
    }
    if (item.type !== undefined)
      out += `<Type xmlns="syncml:metinf">${escapeXml(item.type)}</Type>`;
    out += '</Meta>';
  }
  if (item.data !== undefined) {
    out += `<Data>${item.format === 'xml' ? item.data : escapeXml(item.data)}</Data>`;
  }
  return `${out}</Item>`;
}

/** Writes one command; `xml` data is written as given (callers checked it is well-formed). */
export function renderCommand(command: SyncmlCommand): string {
  let out = `<${command.verb}><CmdID>${escapeXml(command.cmdId)}</CmdID>`;
  if (command.msgRef !== undefined) out += `<MsgRef>${escapeXml(command.msgRef)}</MsgRef>`;
  if (command.cmdRef !== undefined) out += `<CmdRef>${escapeXml(command.cmdRef)}</CmdRef>`;
  if (command.cmd !== undefined) out += `<Cmd>${escapeXml(command.cmd)}</Cmd>`;
  if (command.data !== undefined) out += `<Data>${escapeXml(command.data)}</Data>`;
  for (const item of command.items) out += renderItem(item);
  for (const inner of command.commands ?? []) out += renderCommand(inner);
  return `${out}</${command.verb}>`;
}

/** Writes a whole message, SyncHdr first, then the commands in the order given. */
export function renderSyncml(message: SyncmlMessage): string {
  const { header } = message;
  const body = message.commands.map(renderCommand).join('');
  return (
    '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr>' +
    `<VerDTD>${escapeXml(header.verDtd)}</VerDTD><VerProto>${escapeXml(header.verProto)}</VerProto>` +
    `<SessionID>${escapeXml(header.sessionId)}</SessionID><MsgID>${escapeXml(header.msgId)}</MsgID>` +
    `<Target><LocURI>${escapeXml(header.target)}</LocURI></Target>` +
    `<Source><LocURI>${escapeXml(header.source)}</LocURI></Source>` +
    `</SyncHdr><SyncBody>${body}${message.final ? '<Final/>' : ''}</SyncBody></SyncML>`
  );
}
