import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { DeviceDetail } from '../api/types';
import { useLoad } from '../use-load';

/** A link to a device, named once its record has loaded (its id until then, or if it is gone). */
export function DeviceName({ id }: { id: string }) {
  const device = useLoad(
    (signal) => api<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}`, { signal }),
    [id],
  );
  const d = device.data;
  return <Link to={`/devices/${id}`}>{d ? (d.name ?? d.serialNumber ?? id) : id}</Link>;
}
