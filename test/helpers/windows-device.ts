import http from 'node:http';
import { enrollSimulatedDevice } from '../../src/windows/simulator/fleet.js';
import type { SimulatedOmaDmClient } from '../../src/windows/simulator/simulated-client.js';
import { SYNCML_CONTENT_TYPE, parseSyncml } from '../../src/windows/syncml.js';
import type { TestApp } from './app.js';

/** One simulated Windows PC, enrolled over MS-MDE2, that runs OMA-DM sessions on demand. */
export interface WindowsTestDevice {
  client: SimulatedOmaDmClient;
  /** Runs one session; answers the raw SyncML messages the server sent in it. */
  session(): Promise<string[]>;
}

let enrolled = 0;

/**
 * Enrols a simulated Windows PC, as `latch simulate windows` does, into a test app that trusts
 * 127.0.0.1 as the proxy forwarding client certificates in `x-client-cert`
 * (LATCH_TRUSTED_PROXIES=127.0.0.1).
 */
export async function enrollWindowsDevice(app: TestApp): Promise<WindowsTestDevice> {
  const created = await app.api('/api/v1/enrollment-tokens', {
    method: 'POST',
    body: { name: `windows ${Math.random()}`, maxUses: 1 },
  });
  const token = (created.body as { token: string }).token;
  const device = await enrollSimulatedDevice(
    { server: app.url, clientCertHeader: 'x-client-cert' },
    enrolled++,
    token,
    new http.Agent({ keepAlive: false }),
  );
  const post = async (body: string) => {
    const response = await fetch(device.managementUrl, {
      method: 'POST',
      headers: { 'content-type': SYNCML_CONTENT_TYPE, ...device.transport.headers },
      body,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`OMA-DM answered ${response.status}: ${text}`);
    return text;
  };
  return {
    client: device.client,
    async session() {
      const received: string[] = [];
      let body: string | undefined = device.client.openSession();
      for (let i = 0; body !== undefined && i < 20; i++) {
        const answer = await post(body);
        received.push(answer);
        body = device.client.answer(parseSyncml(answer));
      }
      return received;
    },
  };
}
