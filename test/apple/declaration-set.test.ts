import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  declarationItems,
  declarationKind,
  declarationsToken,
  findDeclaration,
  parseDeclarationEndpoint,
  tokensResponse,
} from '../../src/apple/declaration-set.js';
import { reportedDeclarations } from '../../src/apple/declaration-status.js';
import { storageDeclarations } from '../../src/apple/storage-declarations.js';
import { readFixture } from '../helpers/fixtures.js';

const BLOCK = storageDeclarations({ id: 'policy-1', version: 3, mode: 'block' });
const READ_ONLY = storageDeclarations({ id: 'policy-1', version: 4, mode: 'read-only' });
const CONFIGURATION = 'dev.latch.disk.7B90CCFD-2E71-59F8-BE6F-A0064B4A83BB';
const ACTIVATION = 'dev.latch.activation.7B90CCFD-2E71-59F8-BE6F-A0064B4A83BB';
const BLOCK_TOKEN = 'ca2d15e47a1eb4bde68aaeb007968b3e8f66f3821cb8bd886445373868ccb546';

describe('the declaration set a device is served', () => {
  const tokens = [
    {
      name: 'the empty set',
      set: [],
      token: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    },
    { name: 'a block policy', set: BLOCK, token: BLOCK_TOKEN },
    { name: 'the same set in another order', set: [...BLOCK].reverse(), token: BLOCK_TOKEN },
    {
      name: 'the policy edited to read-only',
      set: READ_ONLY,
      token: '201d9355dfcf0c5ac3b16ca04fd57839ffb1d3b8449389a7480ff5b4ea2dba15',
    },
  ];
  for (const row of tokens) {
    it(`gives ${row.name} its DeclarationsToken`, () => {
      assert.equal(declarationsToken(row.set), row.token);
    });
  }

  it('lists each declaration under its kind with Identifier and ServerToken', () => {
    assert.deepEqual(declarationItems(BLOCK), {
      Declarations: {
        Activations: [
          { Identifier: ACTIVATION, ServerToken: '409DAEB9-273E-5F95-91F4-33821FED2DC9' },
        ],
        Configurations: [
          { Identifier: CONFIGURATION, ServerToken: '409DAEB9-273E-5F95-91F4-33821FED2DC9' },
        ],
        Assets: [],
        Management: [],
      },
      DeclarationsToken: BLOCK_TOKEN,
    });
  });

  it('answers tokens with the token and its time', () => {
    assert.deepEqual(tokensResponse(BLOCK_TOKEN, Date.UTC(2025, 0, 2, 3, 4, 5)), {
      SyncTokens: { DeclarationsToken: BLOCK_TOKEN, Timestamp: '2025-01-02T03:04:05.000Z' },
    });
  });

  const kinds = [
    ['com.apple.configuration.diskmanagement.settings', 'configuration'],
    ['com.apple.activation.simple', 'activation'],
    ['com.apple.asset.data', 'asset'],
    ['com.apple.management.organization-info', 'management'],
    ['com.example.configuration.x', undefined],
    ['com.apple.legacy', undefined],
  ] as const;
  for (const [type, kind] of kinds) {
    it(`takes ${type} for a ${kind ?? 'foreign'} declaration`, () => {
      assert.equal(declarationKind(type), kind);
    });
  }

  const endpoints = [
    [
      `declaration/configuration/${CONFIGURATION}`,
      { kind: 'configuration', identifier: CONFIGURATION },
    ],
    ['declaration/activation/a/b', { kind: 'activation', identifier: 'a/b' }],
    ['declaration/configuration/', undefined],
    ['declarations/configuration/x', undefined],
    ['tokens', undefined],
  ] as const;
  for (const [endpoint, parsed] of endpoints) {
    it(`reads the endpoint ${endpoint}`, () => {
      assert.deepEqual(parseDeclarationEndpoint(endpoint), parsed);
    });
  }

  it('finds a declaration only under its own kind', () => {
    assert.equal(findDeclaration(BLOCK, 'configuration', CONFIGURATION)?.identifier, CONFIGURATION);
    assert.equal(findDeclaration(BLOCK, 'activation', CONFIGURATION), undefined);
    assert.equal(findDeclaration(BLOCK, 'configuration', 'dev.latch.disk.other'), undefined);
  });
});

describe('the management.declarations status item', () => {
  it('reads every declaration of the status report zentral recorded', () => {
    const report = JSON.parse(readFixture('ddm', 'zentral-status_report.json')) as unknown;

    assert.deepEqual(reportedDeclarations(report), [
      {
        identifier: 'zentral.blueprint.1.activation',
        kind: 'activation',
        serverToken: '1e191dd7-9231-4e21-a565-5782997e0a8a',
        active: true,
        valid: 'valid',
        reasons: [],
      },
      {
        identifier: 'zentral.blueprint.1.management-status-subscriptions',
        kind: 'configuration',
        serverToken: '2',
        active: true,
        valid: 'valid',
        reasons: [],
      },
      {
        identifier: 'zentral.legacy-profile.10e26c4a-600b-400e-a922-f07c24e453fe',
        kind: 'configuration',
        serverToken: '709fd1a7-391c-40f7-b164-0d038438f2e7',
        active: true,
        valid: 'valid',
        reasons: [],
      },
    ]);
  });

  it("reads Apple's example of the item once it sits in a report", () => {
    const item = JSON.parse(readFixture('ddm', 'apple-status-management.declarations.json'));

    const read = reportedDeclarations({ StatusItems: item, Errors: [] });

    assert.deepEqual(
      read?.map((d) => [d.kind, d.identifier, d.serverToken]),
      [
        ['activation', 'com.example.activation.main', 'A1B2C3D4-E5F6-7890-ABCD-EF1234567890'],
        ['configuration', 'com.example.config.passcode', 'B2C3D4E5-F6A7-8901-BCDE-F01234567891'],
      ],
    );
  });

  it('keeps the reasons of an invalid declaration and drops entries lacking keys', () => {
    const report = {
      StatusItems: {
        management: {
          declarations: {
            activations: [{ identifier: 'a', active: true, valid: 'valid' }],
            configurations: [
              {
                identifier: 'c',
                'server-token': 't',
                active: false,
                valid: 'invalid',
                reasons: [
                  {
                    code: 'Error.ConfigurationCannotBeApplied',
                    description: 'no',
                    details: { Error: 'x' },
                  },
                  { description: 'a reason without a code' },
                ],
              },
              { identifier: 'd', 'server-token': 't', active: true, valid: 'maybe' },
            ],
            assets: [],
            management: [],
          },
        },
      },
      Errors: [],
    };

    assert.deepEqual(reportedDeclarations(report), [
      {
        identifier: 'c',
        kind: 'configuration',
        serverToken: 't',
        active: false,
        valid: 'invalid',
        reasons: [
          {
            code: 'Error.ConfigurationCannotBeApplied',
            description: 'no',
            details: { Error: 'x' },
          },
        ],
      },
    ]);
  });

  const without = [
    ['a report of other items only', { StatusItems: { passcode: { 'is-compliant': true } } }],
    ['a report without StatusItems', { Errors: [] }],
    ['a JSON array', []],
  ] as const;
  for (const [name, report] of without) {
    it(`finds no declarations item in ${name}`, () => {
      assert.equal(reportedDeclarations(report), undefined);
    });
  }
});
