import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import { bytes, dateTime } from '../api/format';
import type { Assignment, ChocoDeviceInstall, ChocolateyPackage } from '../api/types';
import { AssignmentEditor } from '../components/assignment-editor';
import { DeviceName } from '../components/device-name';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { SectionTitle } from '../components/section-title';
import { StatusBadge } from '../components/status-badge';
import { useLoad } from '../use-load';
import { WindowsSoftwareTabs } from './software-page';

/** One Chocolatey package version: who it is assigned to, and where each device stands. */
export function ChocolateyPackagePage() {
  const { id = '' } = useParams();
  const path = `/api/v1/chocolatey/packages/${encodeURIComponent(id)}`;
  const pkg = useLoad((signal) => api<ChocolateyPackage>(path, { signal }), [id]);
  const assignments = useLoad(
    (signal) =>
      api<{ items: Assignment[] }>('/api/v1/assignments', {
        query: { targetKind: 'app', targetId: id },
        signal,
      }),
    [id],
  );
  const installs = useLoad(
    (signal) => api<{ items: ChocoDeviceInstall[] }>(`${path}/devices`, { signal }),
    [id],
    { refreshMs: 10_000 },
  );

  const p = pkg.data;
  return (
    <>
      <PageTitle title={p ? `${p.packageId} ${p.version}` : 'Chocolatey package'} />
      <WindowsSoftwareTabs />
      <ErrorNotice error={pkg.error} action="Loading the package" />
      {p && (
        <dl className="facts" data-testid="choco-package-facts">
          <dt>Title</dt>
          <dd>{p.title ?? '—'}</dd>
          <dt>In Latch&apos;s cache</dt>
          <dd>
            <StatusBadge state={p.cacheState} /> {bytes(p.packageSize)}
          </dd>
          <dt>Added</dt>
          <dd>
            by {p.createdBy} on {dateTime(p.createdAt)}
          </dd>
        </dl>
      )}
      <ErrorNotice error={assignments.error} action="Loading assignments" />
      {p && assignments.data && (
        <AssignmentEditor
          assignments={assignments.data.items}
          devicesPerRequest={1}
          assign={async (subjectKind, subjectIds) => {
            for (const subjectId of subjectIds) {
              await api(`${path}/assignments`, {
                method: 'POST',
                body: { subjectKind, subjectId },
              });
            }
            assignments.reload();
            installs.reload();
          }}
        />
      )}
      <section aria-labelledby="choco-devices">
        <SectionTitle id="choco-devices" title="Devices" onRefresh={installs.reload} />
        <ErrorNotice error={installs.error} action="Loading device states" />
        <table className="data">
          <thead>
            <tr>
              <th>Device</th>
              <th>State</th>
              <th className="number">Exit code</th>
              <th>Detail</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody data-testid="choco-install-rows">
            {installs.data?.items.map((i) => (
              <tr key={i.deviceId}>
                <td>
                  <DeviceName id={i.deviceId} />
                </td>
                <td>
                  <StatusBadge state={i.state} />
                </td>
                <td className="number">{i.exitCode ?? '—'}</td>
                <td>
                  {i.detail ?? ''}
                  {i.rebootRequired ? ' (restart required)' : ''}
                </td>
                <td>{dateTime(i.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {installs.data?.items.length === 0 && <p className="empty">Not on any device yet.</p>}
      </section>
    </>
  );
}
