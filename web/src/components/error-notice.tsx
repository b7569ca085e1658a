import { ApiError, describeError } from '../api/client';

/** An error from the API in words, with its code and any field problems; never swallowed. */
export function ErrorNotice({ error, action }: { error: unknown; action?: string }) {
  if (error === undefined || error === null) return null;
  const issues = error instanceof ApiError ? error.issues : [];
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="notice notice-error" role="alert">
      <strong>{action ? `${action} failed: ` : 'Error: '}</strong>
      {describeError(error)}
      {code && <span className="muted"> ({code})</span>}
      {issues.length > 0 && (
        <ul>
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path}</code> {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
