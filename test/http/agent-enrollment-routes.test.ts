import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { x509 } from '../../src/x509.js';
import { createKeyAndCsr } from '../../src/agent/agent-key.js';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { agentApi, enrollAgent, newEnrollmentToken } from '../helpers/agent.js';

const CERT_HEADER = 'x-ssl-client-cert';

for (const backend of BACKENDS) {
  describe(`agent enrolment and identity on ${backend.name}`, () => {
    let app: TestApp;
    let token: string;
    before(async () => {
      app = await startTestApp(backend, {
        LATCH_CLIENT_CERT_HEADER: CERT_HEADER,
        LATCH_TRUSTED_PROXIES: '127.0.0.1',
      });
      token = await newEnrollmentToken(app, 50);
    });
    after(() => app.close());

    it('enrols an agent and shows the device with its versions', async () => {
      const enrolled = await enrollAgent(app, token, {
        serialNumber: 'ENROL-1',
        hardwareUuid: 'HW-1',
      });

      assert.equal(enrolled.status, 201);
      assert.match(enrolled.body.deviceSecret, /^lta_/);
      const device = await app.api(`/api/v1/devices/${enrolled.body.deviceId}`);
      assert.equal(device.body.serialNumber, 'ENROL-1');
      assert.equal(device.body.agentVersion, '1.4.2');
      assert.equal(device.body.trayVersion, '1.2.0');
      assert.equal(device.body.platform, 'macos');
    });

    it('keeps one device across re-enrolment and refuses the old secret', async () => {
      const first = await enrollAgent(app, token, {
        serialNumber: 'RE-1',
        hardwareUuid: 'HW-RE-1',
      });
      const second = await enrollAgent(app, token, {
        serialNumber: 'RE-1',
        hardwareUuid: 'HW-RE-1',
      });

      assert.equal(second.body.deviceId, first.body.deviceId);
      const old = await agentApi(app, first.body.deviceSecret, '/agent/v1/settings');
      assert.equal(old.status, 401);
      assert.equal(old.body.error.code, 'unauthenticated');
      const current = await agentApi(app, second.body.deviceSecret, '/agent/v1/settings');
      assert.equal(current.status, 200);
    });

    it("merges with the Mac's MDM enrolment by serial number", async () => {
      const mdm = await app.storage.observeDevice({
        platform: 'macos',
        serialNumber: 'MDM-MAC-1',
        udid: 'UDID-MDM-MAC-1',
        enrollmentType: 'automated',
      });

      const enrolled = await enrollAgent(app, token, {
        serialNumber: 'MDM-MAC-1',
        hardwareUuid: 'HW-MDM',
      });

      assert.equal(enrolled.body.deviceId, mdm.id);
      const device = await app.storage.getDevice(mdm.id);
      assert.equal(device?.hardwareUuid, 'HW-MDM');
      assert.equal(device?.enrollmentType, 'automated');
    });

    it('refuses a wrong or used-up enrolment token and writes nothing', async () => {
      const once = await newEnrollmentToken(app, 1);
      assert.equal((await enrollAgent(app, once, { serialNumber: 'ONCE-1' })).status, 201);

      const usedUp = await enrollAgent(app, once, {
        serialNumber: 'ONCE-2',
        hardwareUuid: 'HW-ONCE-2',
      });
      const wrong = await enrollAgent(app, 'lte_nothing', { serialNumber: 'ONCE-3' });

      assert.equal(usedUp.status, 401);
      assert.equal(usedUp.body.error.code, 'invalid_enrollment_token');
      assert.equal(wrong.status, 401);
      const found = await app.storage.listDevices({ search: 'ONCE-' });
      assert.deepEqual(
        found.items.map((d) => d.serialNumber),
        ['ONCE-1'],
      );
    });

    it('refuses an enrolment without a serial number or hardware UUID', async () => {
      const response = await enrollAgent(app, token, {
        serialNumber: undefined,
        hardwareUuid: undefined,
      });

      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'invalid_request');
    });

    it('issues a client certificate from the CSR and accepts it forwarded by the proxy', async () => {
      const { csrPem } = await createKeyAndCsr('C02CERT0001');

      const enrolled = await enrollAgent(app, token, { serialNumber: 'CERT-1', csr: csrPem });

      assert.equal(enrolled.status, 201);
      const certificate = new x509.X509Certificate(enrolled.body.certificatePem);
      const ca = new x509.X509Certificate(enrolled.body.caCertificatePem);
      assert.equal(await certificate.verify({ publicKey: ca.publicKey }), true);
      assert.equal(certificate.issuer, ca.subject);
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      assert.deepEqual(
        Buffer.from(certificate.publicKey.rawData),
        Buffer.from(csr.publicKey.rawData),
      );
      const eku = certificate.getExtension(x509.ExtendedKeyUsageExtension);
      assert.deepEqual([...(eku?.usages ?? [])], [x509.ExtendedKeyUsage.clientAuth]);
      const viaCertificate = await app.api('/agent/v1/settings', {
        headers: {
          authorization: '',
          [CERT_HEADER]: encodeURIComponent(enrolled.body.certificatePem),
        },
      });
      assert.equal(viaCertificate.status, 200);
    });

    it('refuses a certificate Latch did not issue, and a CSR that is not one', async () => {
      const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
        'verify',
      ]);
      const foreign = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '01',
        name: 'CN=stranger',
        keys,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      });

      const response = await app.api('/agent/v1/settings', {
        headers: { authorization: '', [CERT_HEADER]: encodeURIComponent(foreign.toString('pem')) },
      });
      const badCsr = await enrollAgent(app, token, { serialNumber: 'CSR-BAD', csr: 'not a csr' });

      assert.equal(response.status, 401);
      assert.equal(badCsr.status, 400);
      assert.equal(badCsr.body.error.code, 'invalid_request');
    });
  });
}
