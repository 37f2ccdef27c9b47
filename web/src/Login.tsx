import { useState, type FormEvent } from 'react';
import { api, describeFailure, ApiError } from './api.ts';
import { ErrorText } from './controls.tsx';

/** The admin token (CRMSYNC_ADMIN_TOKEN, printed by `crmsync start`) opens a session; the token is not kept by the page. */
export function Login({ onLoggedIn }: { onLoggedIn: (csrfToken: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await api.post<{ csrfToken: string }>('/api/session', { token: token.trim() });
      onLoggedIn(response.csrfToken);
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? 'That admin token is not right.' : describeFailure(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="card login-card" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <h1 id="login-title">crmsync</h1>
        <p className="muted">HubSpot ⇄ Salesforce sync settings</p>
        <label htmlFor="admin-token">Admin token</label>
        <input id="admin-token" name="token" type="password" autoComplete="current-password" value={token} onChange={(event) => setToken(event.target.value)} required autoFocus />
        <p className="hint">The token is CRMSYNC_ADMIN_TOKEN; <code>crmsync start</code> prints it when it generates one.</p>
        <ErrorText>{error}</ErrorText>
        <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
