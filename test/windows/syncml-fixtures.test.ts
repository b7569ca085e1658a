import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectAnswers, statusesFor } from '../../src/windows/session-reply.js';
import { CspTree } from '../../src/windows/simulator/csp-tree.js';
import { SimulatedOmaDmClient } from '../../src/windows/simulator/simulated-client.js';
import { parseSyncml, renderSyncml } from '../../src/windows/syncml.js';
import { readFixture } from '../helpers/fixtures.js';

const FOLDER = 'windows-syncml';
const wrap = (fragment: string) =>
  '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>' +
  '<SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>dev</LocURI></Target>' +
  `<Source><LocURI>https://latch.invalid</LocURI></Source></SyncHdr><SyncBody>${fragment}` +
  '<Final/></SyncBody></SyncML>';

describe('SyncML from the recorded [MS-MDM] messages', () => {
  it("reads the client's first package: Alert 1224 and Replace ./DevInfo", () => {
    const message = parseSyncml(readFixture(FOLDER, 'msmdm-1-client-pkg1-alert1224-devinfo.xml'));

    assert.deepEqual(message.header, {
      verDtd: '1.2',
      verProto: 'DM/1.2',
      sessionId: '1',
      msgId: '1',
      target: 'https://contoso.com/management-server',
      source: '{unique device id}',
    });
    assert.equal(message.final, true);
    assert.deepEqual(
      message.commands.map((c) => [c.verb, c.cmdId, c.data ?? null]),
      [
        ['Alert', '2', '1224'],
        ['Replace', '3', null],
      ],
    );
    assert.deepEqual(message.commands[0]?.items, [
      {
        source: undefined,
        target: undefined,
        format: undefined,
        type: 'com.microsoft/MDM/LoginStatus',
        data: 'user',
      },
    ]);
    assert.deepEqual(
      message.commands[1]?.items.map((i) => [i.source, i.data]),
      [
        ['./DevInfo/DevId', '{unique device id}'],
        ['./DevInfo/Man', 'Microsoft Corporation'],
        ['./DevInfo/Mod', '{operating system description}'],
        ['./DevInfo/DmV', '1.3'],
        ['./DevInfo/Lang', 'en-US'],
      ],
    );
  });

  it('answers that package with Status 200 for SyncHdr, the Alert and the Replace', () => {
    const message = parseSyncml(readFixture(FOLDER, 'msmdm-1-client-pkg1-alert1224-devinfo.xml'));
    let next = 1;

    const statuses = statusesFor(message.header, message.commands, () => String(next++));

    assert.deepEqual(
      statuses.map((s) => [s.cmdId, s.msgRef, s.cmdRef, s.cmd, s.data]),
      [
        ['1', '1', '0', 'SyncHdr', '200'],
        ['2', '1', '2', 'Alert', '200'],
        ['3', '1', '3', 'Replace', '200'],
      ],
    );
  });

  it("answers the server's Get message as Windows does: 200 with Results, 404 for a bad URI", () => {
    const server = parseSyncml(readFixture(FOLDER, 'msmdm-2-server-status-get.xml'));
    const client = new SimulatedOmaDmClient('{unique device id}', 'https://contoso.com', {
      './DevDetail/SwV': '10.0.22631.3447',
      './DevDetail/HwV': '1.0',
    });
    client.openSession();

    const reply = parseSyncml(client.answer(server)!);

    assert.deepEqual(
      reply.commands.filter((c) => c.verb === 'Status').map((s) => [s.cmdRef, s.cmd, s.data]),
      [
        ['0', 'SyncHdr', '200'],
        ['4', 'Get', '200'],
        ['5', 'Get', '404'],
      ],
    );
    const results = reply.commands.filter((c) => c.verb === 'Results');
    assert.deepEqual(
      results.map((r) => [r.cmdRef, r.items[0]?.source, r.items[0]?.data]),
      [['4', './DevDetail/SwV', '10.0.22631.3447']],
    );
  });

  it('keeps the StoreInstall Application element as inline XML and carries it out', () => {
    const fragment = readFixture(FOLDER, 'docs-fragment-Exec-StoreInstall.xml');
    const message = parseSyncml(wrap(fragment));
    const exec = message.commands[0]!;
    const tree = new CspTree();

    const outcome = tree.apply(exec);

    assert.equal(exec.verb, 'Exec');
    assert.equal(exec.items[0]?.format, 'xml');
    assert.equal(exec.items[0]?.data, '<Application id="{ProductID}" flags="0" skuid=" " />');
    assert.equal(outcome.status, 200);
    const installed = tree.apply({
      verb: 'Get',
      cmdId: '2',
      items: [
        {
          target:
            './User/Vendor/MSFT/EnterpriseModernAppManagement/AppManagement/AppStore/{PackageFamilyName}',
        },
      ],
    });
    assert.deepEqual(installed.results, [
      {
        source:
          './User/Vendor/MSFT/EnterpriseModernAppManagement/AppManagement/AppStore/{PackageFamilyName}',
        format: 'node',
        data: '{PackageFamilyName}_1.0.0.0_x64__',
      },
    ]);
    assert.ok(renderSyncml(message).includes(`<Data>${exec.items[0]?.data}</Data>`));
  });

  it('carries out RemovePackage and answers Get AppInventoryResults with 404 when empty', () => {
    const remove = parseSyncml(wrap(readFixture(FOLDER, 'docs-fragment-Exec-RemovePackage.xml')));
    const get = parseSyncml(wrap(readFixture(FOLDER, 'docs-fragment-Get-AppInventoryResults.xml')));
    const tree = new CspTree();

    assert.equal(tree.apply(remove.commands[0]!).status, 200);
    assert.equal(tree.apply(get.commands[0]!).status, 404);
    assert.equal(remove.commands[0]?.cmdId, '10');
    assert.equal(get.commands[0]?.cmdId, '11');
  });

  it('matches Status and Results to the commands sent, Atomic ones included', () => {
    const outstanding = {
      '4': { commandId: 'inventory' },
      '5': { commandId: 'cmd-a' },
      '6': { commandId: 'cmd-b' },
      '7': { commandId: 'cmd-b', parent: '6', verb: 'Replace' as const },
      '8': { commandId: 'cmd-c' },
    };
    const reply = parseSyncml(
      wrap(
        '<Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status>' +
          '<Status><CmdID>2</CmdID><MsgRef>1</MsgRef><CmdRef>4</CmdRef><Cmd>Get</Cmd><Data>200</Data></Status>' +
          '<Results><CmdID>3</CmdID><MsgRef>1</MsgRef><CmdRef>4</CmdRef><Item><Source><LocURI>./DevDetail/SwV</LocURI></Source><Data>10.0</Data></Item></Results>' +
          '<Status><CmdID>4</CmdID><MsgRef>1</MsgRef><CmdRef>5</CmdRef><Cmd>Replace</Cmd><Data>405</Data></Status>' +
          '<Status><CmdID>5</CmdID><MsgRef>1</MsgRef><CmdRef>6</CmdRef><Cmd>Atomic</Cmd><Data>507</Data></Status>' +
          '<Status><CmdID>6</CmdID><MsgRef>1</MsgRef><CmdRef>7</CmdRef><Cmd>Replace</Cmd><Data>500</Data></Status>',
      ),
    );

    const found = collectAnswers(reply.commands, outstanding);

    assert.deepEqual(found.inventoryItems, [
      { source: './DevDetail/SwV', format: null, data: '10.0' },
    ]);
    assert.deepEqual(found.answers, [
      {
        commandId: 'cmd-a',
        outcome: 'error',
        result: { status: 405, meaning: 'command not allowed on this node', results: [] },
      },
      {
        commandId: 'cmd-b',
        outcome: 'error',
        result: {
          status: 507,
          meaning: 'atomic failed: the commands in the Atomic were rolled back',
          results: [],
          inner: [{ verb: 'Replace', status: 500 }],
        },
      },
    ]);
    assert.deepEqual(Object.keys(outstanding), ['8']);
  });
});
