import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { dateTime, orDash, sinceNow } from '../api/format';
import { PLATFORM_NAMES } from '../api/types';
import type { DeviceDetail } from '../api/types';
import { CommandQueue } from '../components/command-queue';
import { DeviceApps } from '../components/device-apps';
import { DevicePolicies } from '../components/device-policies';
import { MountEvents } from '../components/mount-events';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { useLoad } from '../use-load';

/** One device: its inventory and groups, then what the other channels know of it. */
export function DevicePage() {
  const { id = '' } = useParams();
  const device = useLoad(
    (signal) => api<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}`, { signal }),
    [id],
  );
  const d = device.data;
  return (
    <>
      <PageTitle title={d ? (d.name ?? d.serialNumber ?? d.id) : 'Device'} />
      <ErrorNotice error={device.error} action="Loading the device" />
      {d && (
        <>
          <section aria-labelledby="inventory">
            <h2 id="inventory">Inventory</h2>
            <dl className="facts" data-testid="inventory">
              <dt>Platform</dt>
              <dd>{PLATFORM_NAMES[d.platform]}</dd>
              <dt>OS version</dt>
              <dd>
                {orDash(d.osVersion)}
                {d.osBuild ? ` (${d.osBuild})` : ''}
              </dd>
              <dt>Model</dt>
              <dd>{orDash(d.model)}</dd>
              <dt>Serial number</dt>
              <dd>{orDash(d.serialNumber)}</dd>
              <dt>UDID</dt>
              <dd>{orDash(d.udid)}</dd>
              <dt>Hardware UUID</dt>
              <dd>{orDash(d.hardwareUuid)}</dd>
              <dt>Enrolment</dt>
              <dd>
                {orDash(d.enrollmentType)}
                {d.supervised ? ', supervised' : ', not supervised'}
              </dd>
              <dt>Agent</dt>
              <dd>{orDash(d.agentVersion)}</dd>
              <dt>Tray app</dt>
              <dd>{orDash(d.trayVersion)}</dd>
              <dt>Last seen</dt>
              <dd title={dateTime(d.lastSeenAt)}>{sinceNow(d.lastSeenAt)}</dd>
              <dt>Enrolled</dt>
              <dd>{dateTime(d.enrolledAt)}</dd>
            </dl>
          </section>
          <section aria-labelledby="groups">
            <h2 id="groups">Groups</h2>
            {d.groups.length === 0 ? (
              <p className="empty">In no group.</p>
            ) : (
              <ul className="inline-list">
                {d.groups.map((g) => (
                  <li key={g.id}>
                    <Link to={`/groups/${g.id}`}>{g.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <DevicePolicies deviceId={d.id} />
          {d.platform === 'windows' && <DeviceApps deviceId={d.id} />}
          <CommandQueue deviceId={d.id} />
          {d.platform !== 'ios' && d.platform !== 'ipados' && <MountEvents deviceId={d.id} />}
        </>
      )}
    </>
  );
}
