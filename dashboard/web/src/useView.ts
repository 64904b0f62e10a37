// Subscribes a page to one backend view over Server-Sent Events: a snapshot, then patches
// (upserted rows by key, removed keys, a new summary). One stream per tab; it is replaced when the
// view or the namespace changes, and closed when the page goes away.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from './api';

export type Row = Record<string, any>;

export interface ViewState<S, R> {
  summary: S | null;
  rows: Map<string, R>;
  /** connecting: before the first snapshot; live: streaming; error: see message. */
  status: 'connecting' | 'live' | 'error';
  message?: string;
}

interface Snapshot {
  summary: any;
  items: Record<string, Row>;
}

interface Patch {
  summary?: any;
  upserts: Record<string, Row>;
  removals: string[];
}

export function useView<S = any, R = Row>(
  view: string,
  namespace: string,
  onUnauthorized: () => void,
  /** The page's own parameters (e.g. the topology page's selector); the stream restarts when they change. */
  extra: Record<string, string> = {},
): ViewState<S, R> {
  const extraKey = JSON.stringify(extra);
  const [state, setState] = useState<ViewState<S, R>>({ summary: null, rows: new Map(), status: 'connecting' });

  useEffect(() => {
    let rows = new Map<string, R>();
    let summary: S | null = null;
    let closed = false;
    setState({ summary: null, rows, status: 'connecting' });
    const params = new URLSearchParams({ ...extra, view, namespace });
    const source = new EventSource(`/api/stream?${params}`);
    source.addEventListener('snapshot', (e) => {
      const s = JSON.parse((e as MessageEvent).data) as Snapshot;
      rows = new Map(Object.entries(s.items) as [string, R][]);
      summary = s.summary;
      setState({ summary, rows, status: 'live' });
    });
    source.addEventListener('patch', (e) => {
      const p = JSON.parse((e as MessageEvent).data) as Patch;
      rows = new Map(rows);
      for (const [k, v] of Object.entries(p.upserts)) rows.set(k, v as R);
      for (const k of p.removals) rows.delete(k);
      if (p.summary !== undefined) summary = p.summary;
      setState({ summary, rows, status: 'live' });
    });
    source.onerror = () => {
      if (closed || source.readyState !== EventSource.CLOSED) {
        return; // the browser reconnects by itself; the server sends a fresh snapshot then
      }
      // refused (not 200): ask the one-shot endpoint why
      getJson(`/api/views/${view}?${new URLSearchParams({ ...extra, namespace })}`).then(
        () => setState((s) => ({ ...s, status: 'error', message: 'the live stream closed; reload the page' })),
        (err: ApiError) => {
          if (err.status === 401) onUnauthorized();
          else setState((s) => ({ ...s, status: 'error', message: err.message }));
        },
      );
    };
    return () => {
      closed = true;
      source.close();
    };
  }, [view, namespace, extraKey]);

  return state;
}

/** The current time, refreshed every {@code ms} (for ages computed in the page). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
