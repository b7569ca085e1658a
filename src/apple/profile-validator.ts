import type { PayloadSchema, SchemaIssue, SchemaTarget } from './payload-schema.js';
import { supportIssue, validateKeys } from './payload-schema.js';
import type { PlistDict } from './plist.js';

/** Apple's schemas (and ours, for the agent's domain) as the validators need them. */
export interface SchemaSet {
  /** mdm/profiles/TopLevel.yaml: the keys of the profile itself. */
  topLevel: PayloadSchema;
  /** mdm/profiles/CommonPayloadKeys.yaml: the Payload* keys of every payload. */
  common: PayloadSchema;
  /** declarative/declarations/declarationbase.yaml: Type, Identifier, ServerToken, Payload. */
  declarationBase: PayloadSchema;
  /** By PayloadType. */
  payloads: Map<string, PayloadSchema>;
  /** By declaration Type. */
  declarations: Map<string, PayloadSchema>;
}

/**
 * Every issue in a configuration profile on `target`: its top-level keys, then each payload
 * against the common payload keys and its own type's schema.
 */
export function validateProfile(
  profile: PlistDict,
  schemas: SchemaSet,
  target: SchemaTarget,
): SchemaIssue[] {
  const issues = validateKeys(profile, schemas.topLevel.payloadkeys, target);
  const content = Array.isArray(profile.PayloadContent) ? profile.PayloadContent : [];
  content.forEach((payload, index) => {
    const path = `/PayloadContent/${index}`;
    const type = (payload as PlistDict).PayloadType;
    const schema = typeof type === 'string' ? schemas.payloads.get(type) : undefined;
    if (!schema) {
      issues.push({
        code: 'unknown_payload_type',
        path: `${path}/PayloadType`,
        message: `no schema for PayloadType ${String(type)}`,
      });
      return;
    }
    const support = supportIssue(schema.payload.supportedOS, target, path, String(type));
    if (support) issues.push(support);
    const keys = [...schemas.common.payloadkeys, ...schema.payloadkeys];
    issues.push(...validateKeys(payload, keys, target, path));
  });
  return issues;
}

/** Every issue in a declaration: the base keys, then its Payload against its Type's schema. */
export function validateDeclaration(
  declaration: Record<string, unknown>,
  schemas: SchemaSet,
  target: SchemaTarget,
): SchemaIssue[] {
  const base = schemas.declarationBase.payloadkeys.map((k) =>
    k.key === 'Payload' ? { ...k, subkeys: undefined } : k,
  );
  const issues = validateKeys(declaration, base, target);
  const type = declaration.Type;
  const schema = typeof type === 'string' ? schemas.declarations.get(type) : undefined;
  if (!schema) {
    issues.push({
      code: 'unknown_payload_type',
      path: '/Type',
      message: `no schema for ${String(type)}`,
    });
    return issues;
  }
  const support = supportIssue(schema.payload.supportedOS, target, '', String(type));
  if (support) issues.push(support);
  issues.push(...validateKeys(declaration.Payload, schema.payloadkeys, target, '/Payload'));
  return issues;
}
