import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { SYNCML_CONTENT_TYPE, parseSyncml } from '../syncml.js';
import {
  createCertificateRequest,
  discoverRequest,
  getPoliciesRequest,
  readProvisioning,
  requestSecurityToken,
} from './enrollment-client.js';
import { SimulatedOmaDmClient } from './simulated-client.js';
import type { CommandTally } from './simulated-client.js';

export interface FleetOptions {
  /** Latch's base URL, http:// (behind a proxy that forwards client certificates) or https://. */
  server: string;
  /** An admin API token; the fleet creates the enrolment token it needs with it. */
  adminToken: string;
  devices: number;
  /** Keep polling this long; 0 runs `sessionsPerDevice` sessions per device and stops. */
  durationMs: number;
  sessionsPerDevice: number;
  /** Pause between one device's sessions while polling. */
  pollMs: number;
  /** Requests in flight at once across the fleet. */
  concurrency: number;
  /** Over http://: the header the trusted proxy would forward the certificate in. */
  clientCertHeader: string;
  signal?: AbortSignal | undefined;
  /** Called once every device is enrolled, as the OMA-DM part starts (benchmarks time it). */
  onManagementStart?: (() => void) | undefined;
}

export interface FleetReport {
  enrolled: number;
  sessions: number;
  messages: number;
  commands: CommandTally;
  failures: number;
  /** Milliseconds of every OMA-DM request, in completion order. */
  latencies: number[];
  /** Wall time of the OMA-DM part (after enrolment), in milliseconds. */
  managementMs: number;
}

export interface Transport {
  agent: http.Agent;
  headers: Record<string, string>;
}

/** Sends one POST and reads the whole answer. */
function post(url: URL, body: string, type: string, transport: Transport) {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        agent: transport.agent,
        headers: {
          'content-type': type,
          'content-length': Buffer.byteLength(body),
          ...transport.headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

class Gate {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free === 0) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#free -= 1;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}

/** One enrolled simulated device: its OMA-DM client, identity and how it reaches Latch. */
export interface SimulatedDevice {
  client: SimulatedOmaDmClient;
  hardwareId: string;
  certificatePem: string;
  managementUrl: URL;
  transport: Transport;
}

async function createEnrollmentToken(options: FleetOptions, agent: http.Agent): Promise<string> {
  const response = await post(
    new URL('/api/v1/enrollment-tokens', options.server),
    JSON.stringify({ name: 'windows simulator', maxUses: Math.max(options.devices, 1) }),
    'application/json',
    { agent, headers: { authorization: `Bearer ${options.adminToken}` } },
  );
  if (response.status !== 201) {
    throw new Error(`creating the enrolment token failed with HTTP ${response.status}`);
  }
  return (JSON.parse(response.body) as { token: string }).token;
}

/** Enrols one simulated device through discovery, policy and enrolment; throws on refusal. */
export async function enrollSimulatedDevice(
  options: Pick<FleetOptions, 'server' | 'clientCertHeader'>,
  index: number,
  token: string,
  shared: http.Agent,
): Promise<SimulatedDevice> {
  const hardwareId = randomBytes(16).toString('hex').toUpperCase();
  const email = `sim${index}@latch.invalid`;
  const plain: Transport = { agent: shared, headers: {} };
  const soapType = 'application/soap+xml; charset=utf-8';
  const discovery = new URL('/EnrollmentServer/Discovery.svc', options.server);
  const policy = new URL('/EnrollmentServer/Policy.svc', options.server);
  const enrolment = new URL('/EnrollmentServer/Enrollment.svc', options.server);

  const discovered = await post(discovery, discoverRequest(discovery.href, email), soapType, plain);
  if (discovered.status !== 200) throw new Error(`discovery answered HTTP ${discovered.status}`);
  const policies = await post(
    policy,
    getPoliciesRequest(policy.href, email, token),
    soapType,
    plain,
  );
  if (policies.status !== 200) throw new Error(`policy service answered HTTP ${policies.status}`);
  const { csrBase64, keyPem } = await createCertificateRequest(hardwareId);
  const enrolled = await post(
    enrolment,
    requestSecurityToken(enrolment.href, email, token, csrBase64, {
      DeviceType: 'CIMClient_Windows',
      ApplicationVersion: '10.0.22631.3447',
      DeviceID: hardwareId,
      HWDevID: hardwareId,
      EnrollmentType: 'Full',
      OSEdition: '4',
      OSVersion: '10.0.22631.3447',
      DeviceName: `SIM-WIN-${index}`,
    }),
    soapType,
    plain,
  );
  if (enrolled.status !== 200) throw new Error(`enrolment answered HTTP ${enrolled.status}`);
  const identity = readProvisioning(enrolled.body);
  const transport: Transport = options.server.startsWith('https:')
    ? {
        agent: new https.Agent({
          keepAlive: true,
          cert: identity.certificatePem,
          key: keyPem,
          rejectUnauthorized: false,
        }),
        headers: {},
      }
    : {
        agent: shared,
        headers: { [options.clientCertHeader]: encodeURIComponent(identity.certificatePem) },
      };
  const client = new SimulatedOmaDmClient(hardwareId, identity.managementUrl, {
    './DevInfo/DevId': hardwareId,
    './DevInfo/Man': 'Latch Simulated Hardware',
    './DevInfo/Mod': 'Simulated PC 1000',
    './DevInfo/DmV': '1.3',
    './DevInfo/Lang': 'en-US',
    './DevDetail/SwV': '10.0.22631.3447',
    './DevDetail/Ext/Microsoft/OSPlatform': 'Windows 11 Enterprise',
    './DevDetail/Ext/Microsoft/DeviceName': `SIM-WIN-${index}`,
    './DevDetail/Ext/Microsoft/SMBIOSSerialNumber': `SIMWIN${String(index).padStart(6, '0')}`,
  });
  const managementUrl = new URL(new URL(identity.managementUrl).pathname, options.server);
  return {
    client,
    hardwareId,
    certificatePem: identity.certificatePem,
    managementUrl,
    transport,
  };
}

/**
 * Enrols `devices` simulated Windows PCs through the three MS-MDE2 services and runs their
 * OMA-DM sessions against the server, answering from each device's simulated CSP tree.
 */
export async function runWindowsFleet(options: FleetOptions): Promise<FleetReport> {
  const shared = options.server.startsWith('https:')
    ? new https.Agent({
        keepAlive: true,
        maxSockets: options.concurrency,
        rejectUnauthorized: false,
      })
    : new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const gate = new Gate(options.concurrency);
  const report: FleetReport = {
    enrolled: 0,
    sessions: 0,
    messages: 0,
    commands: { received: 0, ok: 0, error: 0 },
    failures: 0,
    latencies: [],
    managementMs: 0,
  };
  const token = await createEnrollmentToken(options, shared);
  const devices = (
    await Promise.all(
      Array.from({ length: options.devices }, (_, i) =>
        gate.run(() => enrollSimulatedDevice(options, i, token, shared)).catch(() => undefined),
      ),
    )
  ).filter((d): d is SimulatedDevice => d !== undefined);
  report.enrolled = devices.length;
  report.failures += options.devices - devices.length;

  const send = async (device: SimulatedDevice, body: string) => {
    const response = await gate.run(async () => {
      const started = performance.now();
      const answer = await post(device.managementUrl, body, SYNCML_CONTENT_TYPE, device.transport);
      report.latencies.push(performance.now() - started);
      return answer;
    });
    report.messages += 1;
    if (response.status !== 200) throw new Error(`management endpoint answered ${response.status}`);
    return parseSyncml(response.body);
  };
  const session = async (device: SimulatedDevice) => {
    let body: string | undefined = device.client.openSession();
    for (let i = 0; body !== undefined && i < 50; i += 1) {
      body = device.client.answer(await send(device, body));
    }
    report.sessions += 1;
  };
  options.onManagementStart?.();
  const deadline = Date.now() + options.durationMs;
  const started = performance.now();
  await Promise.all(
    devices.map(async (device) => {
      for (let n = 0; ; n += 1) {
        if (options.signal?.aborted) break;
        if (options.durationMs === 0 && n >= options.sessionsPerDevice) break;
        if (options.durationMs > 0 && Date.now() >= deadline) break;
        await session(device).catch(() => (report.failures += 1));
        if (options.durationMs > 0) await new Promise((r) => setTimeout(r, options.pollMs));
      }
    }),
  );
  report.managementMs = performance.now() - started;
  for (const device of devices) {
    report.commands.received += device.client.tally.received;
    report.commands.ok += device.client.tally.ok;
    report.commands.error += device.client.tally.error;
  }
  shared.destroy();
  for (const device of devices)
    if (device.transport.agent !== shared) device.transport.agent.destroy();
  return report;
}
