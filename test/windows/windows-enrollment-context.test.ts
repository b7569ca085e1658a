import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import {
  createCertificateRequest,
  requestSecurityToken,
} from '../../src/windows/simulator/enrollment-client.js';

const SOAP = 'application/soap+xml; charset=utf-8';

for (const backend of BACKENDS) {
  describe(`Windows enrolment AdditionalContext on ${backend.name}`, () => {
    let app: TestApp;
    let token: string;
    let csrBase64: string;
    before(async () => {
      app = await startTestApp(backend);
      const created = await app.api('/api/v1/enrollment-tokens', {
        method: 'POST',
        body: { name: 'windows', maxUses: 10 },
      });
      token = created.body.token;
      csrBase64 = (await createCertificateRequest('HW-CONTEXT')).csrBase64;
    });
    after(() => app.close());

    const enrol = (context: Record<string, string>) => {
      const url = `${app.url}/EnrollmentServer/Enrollment.svc`;
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': SOAP },
        body: requestSecurityToken(url, 'user@example.com', token, csrBase64, {
          EnrollmentType: 'Full',
          OSVersion: '10.0.22631.3447',
          ...context,
        }),
      });
    };
    const windowsDevices = async () =>
      ((await app.api('/api/v1/devices?platform=windows')).body.items as { name: string }[]).map(
        (d) => d.name,
      );

    it('refuses a DeviceName over 255 characters with an InvalidParameter fault', async () => {
      const response = await enrol({ DeviceID: 'HW-LONG', DeviceName: 'x'.repeat(400_000) });
      const text = await response.text();

      assert.equal(response.status, 400);
      assert.match(text, />e:InvalidParameter<\/s:Value>/);
      assert.match(text, />AdditionalContext DeviceName is over 255 characters</);
      assert.deepEqual(await windowsDevices(), []);
      const tokens = (await app.api('/api/v1/enrollment-tokens')).body.items;
      assert.equal(tokens[0].uses, 0);
    });

    it('refuses a DeviceID over 255 characters rather than cutting it', async () => {
      const response = await enrol({ DeviceID: 'H'.repeat(256), DeviceName: 'PC' });

      assert.equal(response.status, 400);
      assert.match(await response.text(), />e:InvalidParameter<\/s:Value>/);
      assert.deepEqual(await windowsDevices(), []);
    });

    it('stores a DeviceName without its control characters', async () => {
      const response = await enrol({
        DeviceID: 'HW-CONTROL',
        DeviceName: 'LAB\u0007-PC\u001b[31m\t7',
      });

      assert.equal(response.status, 200);
      assert.deepEqual(await windowsDevices(), ['LAB-PC[31m7']);
    });
  });
}
