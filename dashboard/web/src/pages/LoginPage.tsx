// Sign-in: a bearer token, checked by the API server. Reached also when a one-time login link was
// already used (reason=link) or a session expired.
import { useState } from 'preact/hooks';
import { ApiError, login } from '../api';

interface Props {
  reason: string | null;
  onSignedIn: (user: string) => void;
}

export function LoginPage({ reason, onSignedIn }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    login(token).then(
      (s) => onSignedIn(s.user),
      (err: ApiError) => {
        setError(err.message);
        setBusy(false);
      },
    );
  };

  return (
    <main class="login" id="main">
      <h1>kubelite dashboard</h1>
      {reason === 'link' && (
        <p class="notice" role="status">
          That login link was already used or is not valid. Sign in with a token, or run <code>kubelite up</code> again for a new link.
        </p>
      )}
      <form onSubmit={submit} aria-describedby="login-help">
        <label for="token">Bearer token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          required
        />
        <p id="login-help" class="muted">
          A token the API server accepts (<code>--token-auth-file</code>, or a service account’s token). The dashboard acts with it, so you see and do what it may.
        </p>
        {error && (
          <p class="error" role="alert" id="login-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
