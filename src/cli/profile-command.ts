import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Command } from 'commander';
import type { SigningIdentity } from '../apple/profile-signing.js';
import { loadSigningIdentity, signProfile } from '../apple/profile-signing.js';
import { LatchError } from '../errors.js';
import { parseJsonInput } from '../service/json-input.js';
import { DEFAULT_SETTINGS, OrganisationSettingsSchema } from '../service/organisation-settings.js';
import { planDevicePolicies } from '../service/policy-engine.js';
import { PolicyDeviceSchema, PolicySchema } from '../service/policy-model.js';

interface RenderOptions {
  policy: string;
  device: string;
  out: string;
  settings?: string;
  at?: string;
  signCert?: string;
  signKey?: string;
  signP12?: string;
  signPassword?: string;
}

const SettingsFile = Type.Partial(OrganisationSettingsSchema, { additionalProperties: false });

/**
 * `latch profile render`: what one policy makes a device receive, written as files
 * (`<identifier>.mobileconfig` for profiles, `<identifier>.json` for declarations), and its
 * applicability printed as one JSON line. Nothing is written where the policy does not apply.
 */
export function registerProfileCommand(program: Command) {
  const profile = program.command('profile').description('configuration profiles');
  profile
    .command('render')
    .description('write the profiles and declarations a device would receive for a policy')
    .requiredOption('--policy <file>', 'policy JSON (see examples/policy-*.json)')
    .requiredOption('--device <file>', 'device JSON (see examples/device-*.json)')
    .requiredOption('--out <dir>', 'directory to write the files to')
    .option('--settings <file>', 'organisation settings JSON (defaults: the shipped settings)')
    .option('--at <time>', 'the moment to decide exceptions at (ISO 8601; default now)')
    .option('--sign-cert <file>', 'PEM certificate (and chain) to sign profiles with')
    .option('--sign-key <file>', 'PEM private key of --sign-cert')
    .option('--sign-p12 <file>', 'PKCS#12 signing identity instead of --sign-cert/--sign-key')
    .option('--sign-password <password>', 'passphrase of the PKCS#12 file or the PEM key')
    .action(async (options: RenderOptions) => {
      try {
        process.stdout.write(JSON.stringify(await render(options)) + '\n');
      } catch (error) {
        if (!(error instanceof LatchError)) throw error;
        const issues = (error.issues ?? []).map((i) => `\n  ${i.path}: ${i.message}`).join('');
        process.stderr.write(`latch: ${error.message}${issues}\n`);
        process.exitCode = 2;
      }
    });
}

async function render(options: RenderOptions) {
  const policy = parseJsonInput(PolicySchema, readFileSync(options.policy, 'utf8'), 'the policy');
  const device = parseJsonInput(
    PolicyDeviceSchema,
    readFileSync(options.device, 'utf8'),
    'the device',
  );
  const settings = options.settings
    ? {
        ...DEFAULT_SETTINGS,
        ...parseJsonInput(SettingsFile, readFileSync(options.settings, 'utf8'), 'the settings'),
      }
    : DEFAULT_SETTINGS;
  const now = options.at === undefined ? Date.now() : Date.parse(options.at);
  if (Number.isNaN(now)) throw new LatchError('invalid_request', 400, '--at is not a date');
  const signer = await signingIdentity(options);

  const plan = planDevicePolicies({ device, policies: [policy], settings, now });
  const applicability = plan.applicability[0]!;
  const files: string[] = [];
  if (applicability.status === 'applies') {
    mkdirSync(options.out, { recursive: true });
    for (const p of plan.profiles) {
      const name = `${p.identifier}.mobileconfig`;
      writeFileSync(join(options.out, name), signer ? await signProfile(p.bytes, signer) : p.bytes);
      files.push(name);
    }
    for (const d of plan.declarations) {
      const name = `${d.identifier}.json`;
      writeFileSync(join(options.out, name), d.bytes);
      files.push(name);
    }
  }
  const { policyId, ...decision } = applicability;
  return { policy: policyId, ...decision, files };
}

async function signingIdentity(options: RenderOptions): Promise<SigningIdentity | undefined> {
  if (options.signP12) {
    return loadSigningIdentity({
      pkcs12: readFileSync(options.signP12),
      passphrase: options.signPassword ?? '',
    });
  }
  if (options.signCert || options.signKey) {
    if (!options.signCert || !options.signKey) {
      throw new LatchError('invalid_request', 400, '--sign-cert and --sign-key go together');
    }
    return loadSigningIdentity({
      certificatePem: readFileSync(options.signCert, 'utf8'),
      keyPem: readFileSync(options.signKey, 'utf8'),
      passphrase: options.signPassword,
    });
  }
  return undefined;
}
