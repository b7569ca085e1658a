import { randomBytes } from 'node:crypto';
import { SYNCML_CONTENT_TYPE, parseSyncml } from '../../src/windows/syncml.js';
import {
  createCertificateRequest,
  discoverRequest,
  getPoliciesRequest,
  readProvisioning,
  requestSecurityToken,
} from '../../src/windows/simulator/enrollment-client.js';
import { SimulatedOmaDmClient } from '../../src/windows/simulator/simulated-client.js';
import type { TestApp } from './app.js';

/** One simulated Windows PC, enrolled over MS-MDE2, that runs OMA-DM sessions on demand. */
export interface WindowsTestDevice {
  client: SimulatedOmaDmClient;
  /** Runs one session; answers the raw SyncML messages the server sent in it. */
  session(): Promise<string[]>;
}

const SOAP = 'application/soap+xml; charset=utf-8';

/**
 * Enrols a simulated Windows PC into a test app that trusts 127.0.0.1 as the proxy forwarding
 * client certificates in `x-client-cert` (LATCH_TRUSTED_PROXIES=127.0.0.1).
 */
export async function enrollWindowsDevice(app: TestApp): Promise<WindowsTestDevice> {
  const created = await app.api('/api/v1/enrollment-tokens', {
    method: 'POST',
    body: { name: `windows ${Math.random()}`, maxUses: 1 },
  });
  const token = (created.body as { token: string }).token;
  const hardwareId = randomBytes(16).toString('hex').toUpperCase();
  const email = 'sim@latch.invalid';
  const post = async (path: string, body: string, type = SOAP, headers = {}) => {
    const response = await fetch(app.url + path, {
      method: 'POST',
      headers: { 'content-type': type, ...headers },
      body,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
    return text;
  };
  const url = (path: string) => app.url + path;
  await post(
    '/EnrollmentServer/Discovery.svc',
    discoverRequest(url('/EnrollmentServer/Discovery.svc'), email),
  );
  await post(
    '/EnrollmentServer/Policy.svc',
    getPoliciesRequest(url('/EnrollmentServer/Policy.svc'), email, token),
  );
  const { csrBase64 } = await createCertificateRequest(hardwareId);
  const enrolled = await post(
    '/EnrollmentServer/Enrollment.svc',
    requestSecurityToken(url('/EnrollmentServer/Enrollment.svc'), email, token, csrBase64, {
      DeviceType: 'CIMClient_Windows',
      ApplicationVersion: '10.0.22631.3447',
      DeviceID: hardwareId,
      HWDevID: hardwareId,
      EnrollmentType: 'Full',
      OSEdition: '4',
      OSVersion: '10.0.22631.3447',
      DeviceName: 'SIM-WIN-STORE',
    }),
  );
  const identity = readProvisioning(enrolled);
  const certificate = { 'x-client-cert': encodeURIComponent(identity.certificatePem) };
  const management = new URL(identity.managementUrl).pathname;
  const client = new SimulatedOmaDmClient(hardwareId, identity.managementUrl, {
    './DevInfo/DevId': hardwareId,
    './DevInfo/Man': 'Latch Simulated Hardware',
    './DevInfo/Mod': 'Simulated PC 1000',
    './DevInfo/DmV': '1.3',
    './DevInfo/Lang': 'en-US',
    './DevDetail/SwV': '10.0.22631.3447',
    './DevDetail/Ext/Microsoft/DeviceName': 'SIM-WIN-STORE',
    './DevDetail/Ext/Microsoft/SMBIOSSerialNumber': `SIMSTORE${hardwareId.slice(0, 6)}`,
  });
  return {
    client,
    async session() {
      const received: string[] = [];
      let body: string | undefined = client.openSession();
      for (let i = 0; body !== undefined && i < 20; i++) {
        const answer = await post(management, body, SYNCML_CONTENT_TYPE, certificate);
        received.push(answer);
        body = client.answer(parseSyncml(answer));
      }
      return received;
    },
  };
}
