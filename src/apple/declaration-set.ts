import { createHash } from 'node:crypto';

/**
 * A device's set of declarations as the DeclarativeManagement check-in serves it
 * (declarative/protocol/tokensresponse.yaml, declarationitemsresponse.yaml): the token that
 * changes with the set, the manifest of identifiers and ServerTokens, and each declaration by
 * its `declaration/<kind>/<identifier>` endpoint.
 */

/** The four groups of the manifest, named as the `declaration/<kind>/…` endpoint names them. */
export const DECLARATION_KINDS = ['activation', 'configuration', 'asset', 'management'] as const;
export type DeclarationKind = (typeof DECLARATION_KINDS)[number];

/** What the set needs of one declaration. */
export interface ServedDeclaration {
  identifier: string;
  type: string;
  serverToken: string;
  /** The JSON body the device fetches. */
  bytes: Buffer;
}

const MANIFEST_KEYS: Record<DeclarationKind, string> = {
  activation: 'Activations',
  configuration: 'Configurations',
  asset: 'Assets',
  management: 'Management',
};

/** The kind of a declaration Type (`com.apple.configuration.…` is a configuration). */
export function declarationKind(type: string): DeclarationKind | undefined {
  const group = /^com\.apple\.([a-z]+)\./.exec(type)?.[1];
  return DECLARATION_KINDS.find((kind) => kind === group);
}

/**
 * The DeclarationsToken of a set: a SHA-256 over each identifier and ServerToken, in identifier
 * order, so it is the same for the same set on every server and changes when any member does.
 */
export function declarationsToken(declarations: readonly ServedDeclaration[]): string {
  const lines = declarations
    .map((d) => `${d.identifier}\n${d.serverToken}\n`)
    .sort()
    .join('');
  return createHash('sha256').update(lines).digest('hex');
}

/** The TokensResponse body: `{ SyncTokens: { DeclarationsToken, Timestamp } }`. */
export function tokensResponse(token: string, timestamp: number) {
  return { SyncTokens: { DeclarationsToken: token, Timestamp: new Date(timestamp).toISOString() } };
}

/** The DeclarationItemsResponse body: every declaration's Identifier and ServerToken by kind. */
export function declarationItems(declarations: readonly ServedDeclaration[]) {
  const groups: Record<string, { Identifier: string; ServerToken: string }[]> = {
    Activations: [],
    Configurations: [],
    Assets: [],
    Management: [],
  };
  const sorted = [...declarations].sort((a, b) => (a.identifier < b.identifier ? -1 : 1));
  for (const d of sorted) {
    const kind = declarationKind(d.type);
    if (!kind) continue;
    groups[MANIFEST_KEYS[kind]]!.push({ Identifier: d.identifier, ServerToken: d.serverToken });
  }
  return { Declarations: groups, DeclarationsToken: declarationsToken(declarations) };
}

/** The kind and identifier an Endpoint `declaration/<kind>/<identifier>` asks for. */
export function parseDeclarationEndpoint(
  endpoint: string,
): { kind: string; identifier: string } | undefined {
  const match = /^declaration\/([^/]+)\/(.+)$/.exec(endpoint);
  if (!match) return undefined;
  return { kind: match[1]!, identifier: match[2]! };
}

/** The declaration of that kind and identifier in the set; undefined when it holds none. */
export function findDeclaration(
  declarations: readonly ServedDeclaration[],
  kind: string,
  identifier: string,
): ServedDeclaration | undefined {
  return declarations.find((d) => d.identifier === identifier && declarationKind(d.type) === kind);
}
