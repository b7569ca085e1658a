/**
 * XML property lists on the MDM hot path (./plist.ts is the profile writer, pretty and
 * byte-stable for signing). Messages as Apple's MDM protocol sends them
 * (https://developer.apple.com/documentation/devicemanagement). A hand-written scanner: it is
 * several times faster than a general XML parser on check-in bodies (see bench/apple-bench.ts),
 * accepts only the plist grammar, refuses DTD internal subsets and entity declarations, and
 * expands only the five predefined entities and character references.
 */

import { referencedCharacter } from '../xml-characters.js';

export type PlistValue =
  string | number | boolean | Date | Uint8Array | PlistValue[] | { [key: string]: PlistValue };
export type PlistDict = { [key: string]: PlistValue };

/** The body is not a well-formed XML property list; `message` says where and why. */
export class PlistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlistError';
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{1,10});/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const hex = name.startsWith('#x');
      const character = referencedCharacter(name.slice(hex ? 2 : 1), hex ? 16 : 10);
      if (character === undefined) throw new PlistError(`${whole} is not a character`);
      return character;
    }
    const value = ENTITIES[name];
    if (value === undefined) throw new PlistError(`unknown entity ${whole}`);
    return value;
  });
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new PlistError(`${message} at offset ${this.pos}`);
  }

  skipSpace() {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 32 || c === 9 || c === 10 || c === 13) p++;
      else if (c === 60 && t.startsWith('<!--', p)) {
        const end = t.indexOf('-->', p + 4);
        if (end < 0) this.fail('unterminated comment');
        p = end + 3;
      } else break;
    }
    this.pos = p;
  }

  /** Reads `<name>` or `<name/>`; returns the name and whether it closed itself. */
  openTag(): { name: string; empty: boolean } {
    this.skipSpace();
    const t = this.text;
    if (t.charCodeAt(this.pos) !== 60) this.fail('expected an element');
    const end = t.indexOf('>', this.pos);
    if (end < 0) this.fail('unterminated tag');
    let inner = t.slice(this.pos + 1, end);
    this.pos = end + 1;
    const empty = inner.endsWith('/');
    if (empty) inner = inner.slice(0, -1);
    const space = inner.search(/\s/);
    const name = space < 0 ? inner : inner.slice(0, space);
    if (name === '' || name.startsWith('/') || name.startsWith('!') || name.startsWith('?')) {
      this.fail(`unexpected <${inner}>`);
    }
    return { name, empty };
  }

  closeTag(name: string) {
    this.skipSpace();
    const tag = `</${name}>`;
    if (!this.text.startsWith(tag, this.pos)) this.fail(`expected ${tag}`);
    this.pos += tag.length;
  }

  /** Text up to the closing tag of `name`, entities decoded. */
  textUntil(name: string): string {
    const tag = `</${name}>`;
    const end = this.text.indexOf(tag, this.pos);
    if (end < 0) this.fail(`expected ${tag}`);
    const raw = this.text.slice(this.pos, end);
    if (raw.includes('<')) {
      if (raw.includes('<![CDATA[')) return this.cdataText(raw, end + tag.length);
      this.fail(`markup inside <${name}>`);
    }
    this.pos = end + tag.length;
    return decodeText(raw);
  }

  private cdataText(raw: string, after: number): string {
    let out = '';
    let rest = raw;
    while (rest.length > 0) {
      const start = rest.indexOf('<![CDATA[');
      if (start < 0) {
        out += decodeText(rest);
        break;
      }
      out += decodeText(rest.slice(0, start));
      const end = rest.indexOf(']]>', start);
      if (end < 0) this.fail('unterminated CDATA');
      out += rest.slice(start + 9, end);
      rest = rest.slice(end + 3);
    }
    this.pos = after;
    return out;
  }

  value(depth: number): PlistValue {
    if (depth > 64) this.fail('nesting too deep');
    const { name, empty } = this.openTag();
    switch (name) {
      case 'dict':
        return empty ? {} : this.dict(depth);
      case 'array':
        return empty ? [] : this.array(depth);
      case 'string':
        return empty ? '' : this.textUntil('string');
      case 'true':
      case 'false':
        if (!empty) this.closeTag(name);
        return name === 'true';
      case 'integer': {
        const text = empty ? '' : this.textUntil('integer').trim();
        if (!/^[+-]?(\d+|0x[0-9a-fA-F]+)$/.test(text)) this.fail(`bad integer "${text}"`);
        return Number(text.startsWith('-0x') ? -Number(text.slice(1)) : text);
      }
      case 'real': {
        const number = Number(empty ? '' : this.textUntil('real').trim());
        if (Number.isNaN(number)) this.fail('bad real');
        return number;
      }
      case 'date': {
        const date = new Date(empty ? '' : this.textUntil('date').trim());
        if (Number.isNaN(date.getTime())) this.fail('bad date');
        return date;
      }
      case 'data': {
        const text = empty ? '' : this.textUntil('data').replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) this.fail('bad base64 in <data>');
        return new Uint8Array(Buffer.from(text, 'base64'));
      }
      default:
        return this.fail(`unknown element <${name}>`);
    }
  }

  private dict(depth: number): PlistDict {
    const result: PlistDict = {};
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('</dict>', this.pos)) {
        this.pos += 7;
        return result;
      }
      const { name, empty } = this.openTag();
      if (name !== 'key') this.fail(`expected <key>, found <${name}>`);
      const key = empty ? '' : this.textUntil('key');
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        this.fail(`forbidden key ${key}`);
      }
      result[key] = this.value(depth + 1);
    }
  }

  private array(depth: number): PlistValue[] {
    const result: PlistValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('</array>', this.pos)) {
        this.pos += 8;
        return result;
      }
      result.push(this.value(depth + 1));
    }
  }
}

/** Parses an XML property list; throws PlistError when it is anything else. */
export function parsePlist(input: string | Uint8Array): PlistValue {
  const decoded = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  if (decoded.startsWith('bplist')) throw new PlistError('binary property lists are not accepted');
  // Positions below are the scanner's: the text it reads has no byte-order mark.
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  const scanner = new Scanner(text);
  scanner.skipSpace();
  if (text.startsWith('<?xml', scanner.pos)) {
    const end = text.indexOf('?>', scanner.pos);
    if (end < 0) scanner.fail('unterminated XML declaration');
    scanner.pos = end + 2;
    scanner.skipSpace();
  }
  if (text.startsWith('<!DOCTYPE', scanner.pos)) {
    const end = text.indexOf('>', scanner.pos);
    const doctype = text.slice(scanner.pos, end);
    // The standard plist DOCTYPE names an external DTD we never load; an internal subset could
    // declare entities, so it is refused.
    if (end < 0 || doctype.includes('[')) scanner.fail('DTD internal subsets are not accepted');
    scanner.pos = end + 1;
  }
  if (text.includes('<!ENTITY')) scanner.fail('entity declarations are not accepted');
  const root = scanner.openTag();
  let value: PlistValue = {};
  if (root.name === 'plist') {
    if (root.empty) scanner.fail('empty plist');
    value = scanner.value(0);
    scanner.closeTag('plist');
  } else {
    scanner.fail('expected <plist>');
  }
  scanner.skipSpace();
  if (scanner.pos !== scanner.text.length) scanner.fail('content after </plist>');
  return value;
}

/** Parses a plist whose root must be a dictionary, as every MDM message is. */
export function parsePlistDict(input: string | Uint8Array): PlistDict {
  const value = parsePlist(input);
  if (!isDict(value)) throw new PlistError('the root of the plist is not a dictionary');
  return value;
}

export function isDict(value: PlistValue | undefined): value is PlistDict {
  return (
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

function escapeText(text: string): string {
  return text.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}

function writeValue(value: PlistValue, out: string[]) {
  if (typeof value === 'string') out.push('<string>', escapeText(value), '</string>');
  else if (typeof value === 'boolean') out.push(value ? '<true/>' : '<false/>');
  else if (typeof value === 'number') {
    if (Number.isInteger(value)) out.push('<integer>', String(value), '</integer>');
    else out.push('<real>', String(value), '</real>');
  } else if (value instanceof Date) {
    out.push('<date>', value.toISOString().replace(/\.\d{3}Z$/, 'Z'), '</date>');
  } else if (value instanceof Uint8Array) {
    out.push('<data>', Buffer.from(value).toString('base64'), '</data>');
  } else if (Array.isArray(value)) {
    out.push('<array>');
    for (const item of value) writeValue(item, out);
    out.push('</array>');
  } else {
    out.push('<dict>');
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === undefined) continue;
      out.push('<key>', escapeText(key), '</key>');
      writeValue(item, out);
    }
    out.push('</dict>');
  }
}

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ' +
  '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">';

/** Serialises a value as an XML property list; keys keep their insertion order. */
export function buildPlist(value: PlistValue): string {
  const out: string[] = [HEADER];
  writeValue(value, out);
  out.push('</plist>\n');
  return out.join('');
}
