import { Agent, request } from 'node:http';
import { ApnsStandIn } from './apns-stand-in.js';
import { SimulatedDevice, readEnrollmentProfile } from './simulated-device.js';

export interface FleetOptions {
  devices: number;
  /** The Latch server, e.g. http://127.0.0.1:8080. */
  server: string;
  /** An admin API token: the fleet creates the enrolment token it needs. */
  token: string;
  /** Share of iPhones among the devices (0 to 1); the rest are Macs. */
  iphoneShare: number;
  /** The macOS version the Macs run (default 14.5); 15.5 Macs take declarative management. */
  macosVersion?: string | undefined;
  /** Requests in flight at once, across the fleet. */
  concurrency: number;
  /** Port of the APNs stand-in the server pushes to (its LATCH_APNS_URL). */
  apnsPort: number;
  /** Stop after this long. */
  durationMs?: number | undefined;
  /** Stop once every queue is empty and nothing happened for this long. */
  quietMs?: number | undefined;
  /** First measure the constant-plist route this long (the server needs LATCH_BENCH_ROUTES). */
  ceilingMs?: number | undefined;
  /** Ends the run early (the report is still made), e.g. on SIGTERM. */
  stop?: AbortSignal;
  /** Told of progress (e.g. "enrolled 1000"), one line at a time. */
  progress?: (line: string) => void;
}

export interface FleetReport {
  enrolled: number;
  commands: { received: number; acknowledged: number; error: number; notNow: number };
  profilesInstalled: number;
  /** Declarations active on the devices at the end (macOS 15 Macs only). */
  declarationsActive: number;
  /** Command round trips after the whole fleet enrolled (enrolment's own are left out). */
  roundTrips: { perSecond: number; p50Ms: number; p99Ms: number };
  ceiling?: { perSecond: number; p50Ms: number; p99Ms: number };
  cpuSeconds: number;
  /** CPU seconds this process spent from the first command after enrolment to the end. */
  commandCpuSeconds: number;
}

interface Reply {
  status: number;
  body: string;
}

/**
 * Runs simulated Macs and iPhones against a server, over Apple's protocol only: enrolment profile,
 * signed check-ins, the command endpoint, and pushes through an APNs stand-in.
 */
export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const cpuStart = process.cpuUsage();
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(options.server);
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (inFlight < options.concurrency) {
      inFlight++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  let lastActivity = Date.now();
  const send = async (
    method: string,
    path: string,
    body?: Buffer,
    headers: Record<string, string> = {},
  ): Promise<Reply & { ms: number }> => {
    await acquire();
    const started = performance.now();
    try {
      return await new Promise((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method,
            path,
            agent,
            headers: { ...headers, ...(body ? { 'content-length': body.length } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
                ms: performance.now() - started,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    } finally {
      lastActivity = Date.now();
      release();
    }
  };

  const report: FleetReport = {
    enrolled: 0,
    commands: { received: 0, acknowledged: 0, error: 0, notNow: 0 },
    profilesInstalled: 0,
    declarationsActive: 0,
    roundTrips: { perSecond: 0, p50Ms: 0, p99Ms: 0 },
    cpuSeconds: 0,
    commandCpuSeconds: 0,
  };

  if (options.ceilingMs) {
    report.ceiling = await measureCeiling(send, options);
  }

  const apns = new ApnsStandIn();
  await apns.listen(options.apnsPort);
  const tokenReply = await fetch(`${options.server}/api/v1/enrollment-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `simulator ${new Date().toISOString()}`,
      maxUses: options.devices,
    }),
  });
  if (tokenReply.status !== 201) {
    await apns.close();
    throw new Error(`creating the enrolment token failed: HTTP ${tokenReply.status}`);
  }
  const { token } = (await tokenReply.json()) as { token: string };

  const latencies: number[] = [];
  let firstCommandAt = 0;
  let cpuAtFirstCommand: NodeJS.CpuUsage | undefined;
  let lastAnswerAt = 0;
  const draining = new Map<SimulatedDevice, boolean>();
  const devices: SimulatedDevice[] = [];

  const connect = (message: { body: Buffer; signature: string }) =>
    send('PUT', '/mdm/apple/connect', message.body, {
      'content-type': 'application/x-apple-aspen-mdm',
      'mdm-signature': message.signature,
    });
  const checkin = async (message: { body: Buffer; signature: string }) => {
    const reply = await send('PUT', '/mdm/apple/checkin', message.body, {
      'content-type': 'application/x-apple-aspen-mdm-checkin',
      'mdm-signature': message.signature,
    });
    if (reply.status !== 200)
      throw new Error(`check-in refused: HTTP ${reply.status} ${reply.body}`);
    return reply.body;
  };

  const drain = async (device: SimulatedDevice) => {
    if (draining.has(device)) {
      draining.set(device, true);
      return;
    }
    draining.set(device, false);
    try {
      let reply = await connect(device.idle());
      while (reply.status === 200 && reply.body.length > 0) {
        report.commands.received++;
        if (firstCommandAt === 0) {
          firstCommandAt = performance.now();
          cpuAtFirstCommand = process.cpuUsage();
        }
        const answer = device.answer(reply.body);
        reply = await connect(answer);
        latencies.push(reply.ms);
        lastAnswerAt = performance.now();
        if (answer.status === 'acknowledged') report.commands.acknowledged++;
        else report.commands.error++;
        // As a Mac does, it syncs its declarations once the command is acknowledged.
        if (answer.requestType === 'DeclarativeManagement') {
          await device.declarative
            .sync((endpoint, data) => checkin(device.declarativeManagement(endpoint, data)))
            // The set changed under the sync; the server's next command starts it again.
            .catch((error: Error) => options.progress?.(`declarative sync: ${error.message}`));
        }
      }
    } finally {
      const again = draining.get(device);
      draining.delete(device);
      if (again) wake(device);
    }
  };

  // A failed exchange (the server gone, an answer it refused) ends this device's session, not
  // the run: the device waits for its next push, as a real one does.
  const wake = (device: SimulatedDevice) => {
    drain(device).catch((error: Error) =>
      options.progress?.(`device ${device.udid}: ${error.message}`),
    );
  };

  await Promise.all(
    Array.from({ length: options.devices }, async (_, index) => {
      const kind = index < Math.round(options.devices * options.iphoneShare) ? 'iphone' : 'mac';
      const device = new SimulatedDevice(index, kind, options.macosVersion);
      const profile = await send('GET', `/mdm/apple/enroll?token=${encodeURIComponent(token)}`);
      if (profile.status !== 200) throw new Error(`enrolment refused: HTTP ${profile.status}`);
      device.install(readEnrollmentProfile(profile.body));
      apns.register(device.pushToken.toString('hex'), () => wake(device));
      await checkin(device.authenticate());
      await checkin(device.tokenUpdate());
      devices.push(device);
      report.enrolled++;
    }),
  );
  // Commands a device gets while enrolling (its DeviceInformation) are not the ones measured.
  latencies.length = 0;
  firstCommandAt = 0;
  cpuAtFirstCommand = undefined;
  options.progress?.(`enrolled ${report.enrolled}`);

  const started = Date.now();
  let told = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      if (report.commands.acknowledged !== told && now - lastActivity > 0) {
        told = report.commands.acknowledged;
        options.progress?.(`acknowledged ${told}`);
      }
      const timeUp = options.durationMs !== undefined && now - started >= options.durationMs;
      const quiet =
        options.quietMs !== undefined &&
        draining.size === 0 &&
        inFlight === 0 &&
        now - lastActivity >= options.quietMs;
      if (timeUp || quiet || options.stop?.aborted) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });

  // Let requests under way finish, so the report counts every answer the server recorded.
  for (let waited = 0; (draining.size > 0 || inFlight > 0) && waited < 5000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await apns.close();
  agent.destroy();
  report.profilesInstalled = devices.reduce((sum, d) => sum + d.profiles.size, 0);
  report.declarationsActive = devices.reduce((sum, d) => sum + d.declarative.activeCount, 0);
  const seconds = (lastAnswerAt - firstCommandAt) / 1000;
  report.roundTrips = {
    perSecond: seconds > 0 ? Math.round(latencies.length / seconds) : 0,
    ...percentiles(latencies),
  };
  const cpuSeconds = (usage: NodeJS.CpuUsage) =>
    Math.round((usage.user + usage.system) / 1e4) / 100;
  report.cpuSeconds = cpuSeconds(process.cpuUsage(cpuStart));
  if (cpuAtFirstCommand) report.commandCpuSeconds = cpuSeconds(process.cpuUsage(cpuAtFirstCommand));
  return report;
}

async function measureCeiling(
  send: (
    m: string,
    p: string,
    b?: Buffer,
    h?: Record<string, string>,
  ) => Promise<Reply & { ms: number }>,
  options: FleetOptions,
) {
  const body = Buffer.from(new SimulatedDevice(0, 'mac').udid);
  const latencies: number[] = [];
  const until = performance.now() + (options.ceilingMs ?? 0);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < until) {
        const reply = await send('PUT', '/mdm/apple/bench/constant', body, {
          'content-type': 'application/x-apple-aspen-mdm',
        });
        if (reply.status !== 200) throw new Error(`ceiling route answered ${reply.status}`);
        latencies.push(reply.ms);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: Math.round(latencies.length / seconds), ...percentiles(latencies) };
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50Ms: Math.round(at(0.5) * 10) / 10, p99Ms: Math.round(at(0.99) * 10) / 10 };
}
