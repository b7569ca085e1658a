import { XMLParser } from 'fast-xml-parser';
import { LatchError } from '../../errors.js';

const PREDEFINED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/**
 * Decodes the five entities XML predefines and numeric character references. Entity processing
 * is off in the parser (no document may declare its own), so this is the whole of decoding.
 */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return safeCodePoint(Number.parseInt(name.slice(2), 16), whole);
    if (name.startsWith('#')) return safeCodePoint(Number.parseInt(name.slice(1), 10), whole);
    return PREDEFINED_ENTITIES[name] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
  isArray: (name) => name === 'entry' || name === 'link',
});

/**
 * Parses an XML document from a remote party. A document type declaration is refused outright:
 * it is the door to entity expansion ("billion laughs") and external entities, and no NuGet feed
 * needs one.
 */
export function parseUntrustedXml(text: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new LatchError('xml_doctype_refused', 502, 'the XML document declares a DTD or entity');
  }
  try {
    return parser.parse(text.replace(/^\uFEFF/, ''), true) as Record<string, unknown>;
  } catch (error) {
    throw new LatchError('xml_malformed', 502, 'the XML document is not well formed', {
      cause: error,
    });
  }
}

/** Escapes text for an XML element body or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
