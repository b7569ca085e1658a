import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSoapRequest } from '../../src/windows/enrollment-messages.js';
import {
  DEFAULT_XML_LIMITS,
  XmlRefusedError,
  refuseDeclarations,
} from '../../src/windows/hardened-xml.js';
import { parseSyncml } from '../../src/windows/syncml.js';
import { readFixture } from '../helpers/fixtures.js';

const code = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof XmlRefusedError) return error.code;
    throw error;
  }
  return 'accepted';
};

const valid = readFixture('windows-syncml', 'msmdm-1-client-pkg1-alert1224-devinfo.xml');

describe('hardened XML for device messages', () => {
  const cases: [string, string, string][] = [
    [
      'a billion-laughs entity bomb',
      `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>${valid}`,
      'xml_dtd_refused',
    ],
    [
      'an external entity',
      `<!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]>${valid}`,
      'xml_dtd_refused',
    ],
    ['a message cut short', valid.slice(0, 700), 'xml_malformed'],
    ['a body over the size limit', `${valid}${' '.repeat(600 * 1024)}`, 'xml_too_large'],
    ['nesting past the depth limit', `${'<a>'.repeat(200)}${'</a>'.repeat(200)}`, 'xml_too_deep'],
    ['a document that is not SyncML', '<Envelope/>', 'xml_malformed'],
    ['a SyncHdr without SessionID', valid.replace('<SessionID>1</SessionID>', ''), 'xml_malformed'],
    [
      'a character reference beyond Unicode',
      valid.replace('<Data>en-US</Data>', '<Data>&#x110000;</Data>'),
      'xml_malformed',
    ],
    [
      'a reference to a lone surrogate',
      valid.replace('<Data>en-US</Data>', '<Data>&#xD800;</Data>'),
      'xml_malformed',
    ],
    ['the recorded client package', valid, 'accepted'],
  ];
  for (const [name, text, expected] of cases) {
    it(`answers ${expected} for ${name}`, () => {
      assert.equal(
        code(() => parseSyncml(text)),
        expected,
      );
    });
  }

  it('leaves undeclared entities as text instead of expanding them', () => {
    const message = parseSyncml(
      valid.replace('<Data>en-US</Data>', '<Data>&amp;&#65;&unknown;</Data>'),
    );

    assert.equal(message.commands[1]?.items[4]?.data, '&A&unknown;');
  });

  it('refuses a character reference beyond Unicode in an enrolment request', () => {
    const envelope =
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" ' +
      'xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>' +
      '<a:MessageID>&#x110000;</a:MessageID></s:Header><s:Body><x/></s:Body></s:Envelope>';

    assert.equal(
      code(() => parseSoapRequest(envelope)),
      'xml_malformed',
    );
  });

  it('refuses a DOCTYPE in an enrolment request too', () => {
    assert.equal(
      code(() => parseSoapRequest('<!DOCTYPE s [<!ENTITY a "b">]><s:Envelope xmlns:s="x"/>')),
      'xml_dtd_refused',
    );
  });
});

describe('refuseDeclarations', () => {
  const cases: [string, string, string][] = [
    ['a DOCTYPE inside a CDATA section', '<a><![CDATA[<!DOCTYPE x>]]></a>', 'accepted'],
    ['an ENTITY inside a CDATA section', '<a><![CDATA[x <!ENTITY y "z"> ]]></a>', 'accepted'],
    ['a DOCTYPE inside a comment', '<a><!-- <!DOCTYPE x> --></a>', 'accepted'],
    ['two CDATA sections', '<a><![CDATA[<!x]]><![CDATA[<!y]]></a>', 'accepted'],
    ['a DOCTYPE after a CDATA section', '<a><![CDATA[x]]></a><!DOCTYPE x>', 'xml_dtd_refused'],
    ['a DOCTYPE after a comment', '<!-- x --><!DOCTYPE x><a/>', 'xml_dtd_refused'],
    [
      'an ENTITY between CDATA sections',
      '<![CDATA[a]]><!ENTITY b "c"><![CDATA[d]]>',
      'xml_dtd_refused',
    ],
    ['a CDATA end that closes nothing', '<a>]]><!DOCTYPE x></a>', 'xml_dtd_refused'],
    ['a bare DOCTYPE', '<!DOCTYPE x><a/>', 'xml_dtd_refused'],
  ];
  for (const [name, text, expected] of cases) {
    it(`answers ${expected} for ${name}`, () => {
      assert.equal(
        code(() => refuseDeclarations(text, DEFAULT_XML_LIMITS)),
        expected,
      );
    });
  }

  it('lets a SyncML message carry a DOCTYPE as CDATA text', () => {
    const message = parseSyncml(
      valid.replace('<Data>en-US</Data>', '<Data><![CDATA[<!DOCTYPE x>]]></Data>'),
    );

    assert.equal(message.commands[1]?.items[4]?.data, '<!DOCTYPE x>');
  });
});
