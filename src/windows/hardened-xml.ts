import { XMLParser } from 'fast-xml-parser';
import { referencedCharacter } from '../xml-characters.js';

/** Limits every XML body from a device is held to, whatever the service. */
export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = Object.freeze({ maxBytes: 512 * 1024, maxDepth: 32 });

/** Why a body was refused before or while parsing; `code` is stable, the message is for logs. */
export class XmlRefusedError extends Error {
  readonly code: 'xml_too_large' | 'xml_dtd_refused' | 'xml_malformed' | 'xml_too_deep';

  constructor(code: XmlRefusedError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XmlRefusedError';
    this.code = code;
  }
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes the five predefined XML entities and character references, and nothing else: the
 * parser runs with entity processing off so that no document can declare its own. A reference
 * to something that is not an XML character is an XmlRefusedError.
 */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, name: string) => {
    if (!name.startsWith('#')) return NAMED[name] ?? '';
    const hex = name.startsWith('#x');
    const character = referencedCharacter(name.slice(hex ? 2 : 1), hex ? 16 : 10);
    if (character === undefined) {
      throw new XmlRefusedError('xml_malformed', `${whole} is not a character`);
    }
    return character;
  });
}

/** Escapes text for an element body or a double-quoted attribute. */
export function escapeXml(text: string): string {
  if (!/[<>&"']/.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Refuses what must never reach the parser: oversize bodies and any markup declaration
 * (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT` …), which is how entity bombs and external entities
 * arrive. CDATA sections and comments are the only `<!` forms allowed.
 */
export function refuseDeclarations(text: string, limits: XmlLimits): void {
  if (Buffer.byteLength(text) > limits.maxBytes) {
    throw new XmlRefusedError('xml_too_large', `body over ${limits.maxBytes} bytes`);
  }
  let at = text.indexOf('<!');
  while (at !== -1) {
    // The content of a CDATA section or a comment is text, not markup: `<!` inside is harmless.
    // One left open runs to the end, and the parser refuses the document as malformed.
    let end: number;
    if (text.startsWith('<![CDATA[', at)) end = closeOf(text, ']]>', at + 9);
    else if (text.startsWith('<!--', at)) end = closeOf(text, '-->', at + 4);
    else throw new XmlRefusedError('xml_dtd_refused', 'markup declarations are not accepted');
    at = text.indexOf('<!', end);
  }
}

/** Where the text after `closing` (searched from `from`) starts; the text's end if it is absent. */
function closeOf(text: string, closing: string, from: number): number {
  const at = text.indexOf(closing, from);
  return at === -1 ? text.length : at + closing.length;
}

/**
 * Builds a parser that keeps values as strings, drops namespace prefixes, and always returns
 * arrays for the element names in `arrays`, so callers never branch on one-versus-many.
 * Elements matched by `stopNodes` keep their content as raw text.
 */
export function hardenedParser(
  arrays: ReadonlySet<string>,
  limits: XmlLimits,
  stopNodes: string[] = [],
): XMLParser {
  return new XMLParser({
    stopNodes,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    // Callbacks get no path string: building it for every tag cost 15 % of a SyncML parse.
    jPath: false,
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: limits.maxDepth,
    isArray: (name) => arrays.has(name),
  });
}

/** Parses `text` with `parser` after the declaration check; every failure is an XmlRefusedError. */
export function parseHardened(parser: XMLParser, text: string, limits: XmlLimits): unknown {
  refuseDeclarations(text, limits);
  try {
    return parser.parse(text, true);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = /nest/i.test(message) ? 'xml_too_deep' : 'xml_malformed';
    throw new XmlRefusedError(code, message, { cause: error });
  }
}
