// Calls to the dashboard's own API. State-changing requests carry the CSRF header the server requires.

export const CSRF_HEADER = 'X-Kubelite-Dashboard';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function answer<T>(r: Response): Promise<T> {
  let body: any = null;
  try {
    body = await r.json();
  } catch {
    // not JSON: keep the status
  }
  if (!r.ok) {
    throw new ApiError(r.status, body?.message ?? `HTTP ${r.status}`);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { credentials: 'same-origin' }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: '1' },
      body: JSON.stringify(body),
    }),
  );
}

export interface SessionInfo {
  user: string;
}

export const session = () => getJson<SessionInfo>('/api/session');
export const login = (token: string) => postJson<SessionInfo>('/api/login', { token });
export const logout = () => postJson<{ message: string }>('/api/logout', {});
/** Performs a backend action (see README-dev.md): POST /api/actions/NAME. */
export const act = (name: string, body: unknown) => postJson<{ message: string }>(`/api/actions/${name}`, body);
