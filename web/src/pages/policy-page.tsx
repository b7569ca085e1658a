import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Policy, PolicyDetail } from '../api/types';
import { ApplicabilityTable } from '../components/applicability-table';
import { AssignmentEditor } from '../components/assignment-editor';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { PolicyForm } from '../components/policy-form';
import type { PolicyDraft } from '../components/policy-form';
import { useLoad } from '../use-load';
import { POLICY_TEMPLATES } from './policies-page';

/** A new storage-restriction policy, started from a template's name. */
export function NewPolicyPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const template =
    POLICY_TEMPLATES.find((t) => t.template === params.get('template')) ?? POLICY_TEMPLATES[0]!;

  async function create(draft: PolicyDraft) {
    setError(undefined);
    try {
      const policy = await api<Policy>('/api/v1/policies', {
        method: 'POST',
        body: { kind: 'storage-restriction', ...draft },
      });
      navigate(`/policies/${policy.id}`);
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <>
      <PageTitle title={`New policy: ${template.label}`} />
      <ErrorNotice error={error} action="Creating the policy" />
      <PolicyForm
        key={template.template}
        initial={{ name: template.label, settings: { mode: 'block' } }}
        submitLabel="Create policy"
        onSave={create}
      />
    </>
  );
}

/** One policy: its settings, who it is assigned to, and where it applies. */
export function PolicyPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const path = `/api/v1/policies/${encodeURIComponent(id)}`;
  const policy = useLoad((signal) => api<PolicyDetail>(path, { signal }), [id]);
  const [error, setError] = useState<unknown>();
  const [action, setAction] = useState('');
  const [saved, setSaved] = useState(false);
  const [round, setRound] = useState(0);

  async function run(label: string, work: () => Promise<void>) {
    setAction(label);
    setError(undefined);
    setSaved(false);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    }
  }

  const changed = () => {
    policy.reload();
    setRound((r) => r + 1);
  };

  const p = policy.data;
  return (
    <>
      <PageTitle title={p ? p.name : 'Policy'}>
        <button
          type="button"
          className="danger"
          onClick={() =>
            void run('Deleting the policy', async () => {
              if (!window.confirm(`Delete the policy ${p?.name ?? ''}?`)) return;
              await api(path, { method: 'DELETE' });
              navigate('/policies');
            })
          }
        >
          Delete policy
        </button>
      </PageTitle>
      <ErrorNotice error={policy.error} action="Loading the policy" />
      <ErrorNotice error={error} action={action} />
      {saved && (
        <p className="notice" role="status">
          Saved as version {p?.version}.
        </p>
      )}
      {p && (
        <>
          <p className="muted">
            Version {p.version}. Each save makes a new version and sends it to the devices.
          </p>
          <PolicyForm
            key={`${p.id}:${p.version}`}
            initial={p}
            submitLabel="Save policy"
            onSave={(draft) =>
              run('Saving the policy', async () => {
                await api(path, { method: 'PATCH', body: draft });
                changed();
                setSaved(true);
              })
            }
          />
          <AssignmentEditor
            assignments={p.assignments}
            assign={async (subjectKind, subjectIds) => {
              await api(`${path}/assignments`, {
                method: 'POST',
                body: { subjectKind, subjectIds },
              });
              changed();
            }}
            unassign={async (assignment) => {
              await api(`${path}/assignments/${encodeURIComponent(assignment.id)}`, {
                method: 'DELETE',
              });
              changed();
            }}
          />
          <ApplicabilityTable policyId={p.id} round={round} />
        </>
      )}
    </>
  );
}
