export interface AppleDeclarationSyncsTable {
  device_id: string;
  declarations_token: string;
  announced_at: number;
}

export interface AppleDeclarationStatesTable {
  device_id: string;
  identifier: string;
  kind: string;
  server_token: string;
  active: number;
  valid: string;
  /** JSON array of the reasons; null when there were none. */
  reasons: string | null;
  reported_at: number;
}

declare module './schema.js' {
  interface Database {
    apple_declaration_syncs: AppleDeclarationSyncsTable;
    apple_declaration_states: AppleDeclarationStatesTable;
  }
}
