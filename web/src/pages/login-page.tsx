import { useState } from 'react';
import type { FormEvent } from 'react';
import { ErrorNotice } from '../components/error-notice';
import { useSession } from '../session';

/** Sign-in with the admin's username and password. */
export function LoginPage() {
  const { signIn, endedBecause } = useSession();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username, password);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <form onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Latch</h1>
        {endedBecause && <p className="notice">{endedBecause}</p>}
        <ErrorNotice error={error} action="Sign-in" />
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
            autoFocus
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
