export interface AppleEnrollmentsTable {
  device_id: string;
  udid: string;
  identity_certificate: string;
  topic: string | null;
  push_token: string | null;
  push_magic: string | null;
  push_invalid_at: number | null;
  unlock_token: string | null;
  bootstrap_token: string | null;
  awaiting_configuration: number;
  enrolled: number;
  declarative_status: string | null;
  installed_applications: string | null;
  security_info: string | null;
  authenticated_at: number;
  token_updated_at: number | null;
  checked_out_at: number | null;
  updated_at: number;
}

export interface AppleUserChannelsTable {
  device_id: string;
  user_id: string;
  user_short_name: string | null;
  user_long_name: string | null;
  push_token: string | null;
  push_magic: string | null;
  updated_at: number;
}

export interface AppleInstalledProfilesTable {
  device_id: string;
  identifier: string;
  display_name: string | null;
  payload_uuid: string | null;
  origin: string | null;
  installed_at: number;
}

export interface AppleServerSecretsTable {
  name: string;
  certificate: string;
  private_key: string;
  created_at: number;
}

/** Identity certificates bound to the UDID that first authenticated with them (migration 012). */
export interface AppleIdentityBindingsTable {
  fingerprint: string;
  udid: string;
  bound_at: number;
}

declare module './schema.js' {
  interface Database {
    apple_identity_bindings: AppleIdentityBindingsTable;
    apple_enrollments: AppleEnrollmentsTable;
    apple_user_channels: AppleUserChannelsTable;
    apple_installed_profiles: AppleInstalledProfilesTable;
    apple_server_secrets: AppleServerSecretsTable;
  }
}
