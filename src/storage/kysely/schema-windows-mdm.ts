/** Row shapes of the Windows MDM tables (migration 008). */
export interface WindowsDevicesTable {
  device_id: string;
  hardware_device_id: string;
  cert_fingerprint: string;
  enrolled_at: number;
  inventory: string | null;
  session_id: string | null;
  session_msg_id: number;
  session_next_cmd: number;
  session_outstanding: string;
  session_updated_at: number | null;
  storage_state: string | null;
}

export interface WindowsCertificateAuthoritiesTable {
  name: string;
  certificate_pem: string;
  private_key_sealed: string;
  created_at: number;
}

declare module './schema.js' {
  interface Database {
    windows_devices: WindowsDevicesTable;
    windows_certificate_authorities: WindowsCertificateAuthoritiesTable;
  }
}
