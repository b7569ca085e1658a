import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_XML_LIMITS,
  XmlRefusedError,
  hardenedParser,
} from '../../src/windows/hardened-xml.js';
import { SYNCML_VERBS } from '../../src/windows/syncml.js';
import { readXmlTree } from '../../src/windows/xml-tree.js';
import { listFixtures, readFixture } from '../helpers/fixtures.js';

const ARRAYS = new Set<string>([...SYNCML_VERBS, 'Item']);
const OPTIONS = { arrays: ARRAYS, raw: new Set(['Data']), maxDepth: 32 };
// The library the reader replaces on the hot path is the oracle: both must build the same tree.
const library = hardenedParser(ARRAYS, DEFAULT_XML_LIMITS, ['*.Data']);

const refusal = (text: string) => {
  try {
    readXmlTree(text, OPTIONS);
  } catch (error) {
    if (error instanceof XmlRefusedError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('the SyncML XML reader', () => {
  for (const file of listFixtures('windows-syncml')) {
    it(`reads ${file} as fast-xml-parser does`, () => {
      const text = readFixture('windows-syncml', file);

      assert.deepEqual(readXmlTree(text, OPTIONS), library.parse(text, true));
    });
  }

  const shapes: [string, string][] = [
    [
      'a declaration, comments, CDATA in raw Data and undecoded entities',
      '<?xml version="1.0"?>\n<!-- c --><SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr>' +
        '<Source><LocURI>a&amp;b</LocURI></Source></SyncHdr><SyncBody><Status><CmdID>1</CmdID>' +
        '<Data><![CDATA[<x>]]]></Data></Status><Final/></SyncBody></SyncML>',
    ],
    ['repeated names and empty elements', '<S><A>1</A><A>2</A><A><B>x</B></A><Item/></S>'],
    [
      'namespace prefixes',
      '<n:SyncML xmlns:n="x"><n:SyncHdr><n:MsgID>1</n:MsgID></n:SyncHdr></n:SyncML>',
    ],
    ['a closing tag inside CDATA of raw Data', '<S><Data> <![CDATA[ a </Data> b ]]> </Data></S>'],
    ['inline XML in Data', '<S><Item><Data><Application id="9WZ" flags="0"/></Data></Item></S>'],
  ];
  for (const [name, text] of shapes) {
    it(`reads ${name} as fast-xml-parser does`, () => {
      assert.deepEqual(readXmlTree(text, OPTIONS), library.parse(text, true));
    });
  }

  const refused: [string, string, string][] = [
    ['an element never closed', '<SyncML><SyncHdr></SyncML>', 'xml_malformed'],
    [
      'a document cut short',
      '<SyncML><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody><Cm',
      'xml_malformed',
    ],
    ['an end tag without its start', '<SyncML></SyncHdr>', 'xml_malformed'],
    ['two root elements', '<a></a><b></b>', 'xml_malformed'],
    ['text before the root', 'text<a/>', 'xml_malformed'],
    ['an unquoted attribute', '<a x=1></a>', 'xml_malformed'],
    ['an empty body', '', 'xml_malformed'],
    ['a DOCTYPE that reached it anyway', '<!DOCTYPE a><a/>', 'xml_malformed'],
    ['raw Data never closed', '<S><Data><![CDATA[ </Data> ]]></S>', 'xml_malformed'],
    ['nesting over the limit', `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`, 'xml_too_deep'],
  ];
  for (const [name, text, code] of refused) {
    it(`refuses ${name} with ${code}`, () => {
      assert.equal(refusal(text), code);
    });
  }
});
