// One pod in detail (view "pod", parameter name): status, conditions, containers with their
// states and probes, resource charts, events (live), a live log tail and Delete behind a confirmation.
import { useState } from 'preact/hooks';
import { act, ApiError } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { PodLogTail } from '../components/PodLogTail';
import { PodResourceCharts } from '../components/PodResourceCharts';
import { ViewStatus } from '../components/ViewStatus';
import { age } from '../format';
import { href, type PageProps } from '../routes';
import { useNow, useView } from '../useView';
import { EventsTable, type EventRow } from './EventsPage';

interface State {
  kind: '' | 'waiting' | 'running' | 'terminated';
  reason?: string;
  message?: string;
  exitCode?: number;
  since?: string;
  finished?: string;
}

interface Probe {
  probe: string;
  type: string;
  target: string;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

interface Container {
  name: string;
  kind: 'init' | 'sidecar' | 'app';
  image: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: State;
  lastState: State;
  requests: Record<string, string>;
  limits: Record<string, string>;
  ports: string[];
  probes: Probe[];
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

interface Pod {
  uid: string;
  phase: string;
  reason: string;
  message: string;
  node: string;
  hostIP: string;
  podIPs: string[];
  qosClass: string;
  serviceAccount: string;
  created: string;
  started: string;
  deleting: string;
  gracePeriod: number;
  owner?: { kind: string; name: string; apiVersion: string };
  labels: Record<string, string>;
  conditions: Condition[];
  containers: Container[];
}

interface Summary {
  namespace: string;
  name: string;
  found: boolean;
  error?: string;
  pod?: Pod;
}

function stateText(s: State, now: number): string {
  switch (s.kind) {
    case 'waiting':
      return `Waiting: ${s.reason || 'unknown'}${s.message ? ` (${s.message})` : ''}`;
    case 'running':
      return `Running since ${s.since ? `${new Date(s.since).toLocaleString()} (${age(s.since, now)} ago)` : '?'}`;
    case 'terminated':
      return `Terminated: ${s.reason || 'unknown'}, exit code ${s.exitCode}${s.finished ? `, ${age(s.finished, now)} ago` : ''}${s.message ? ` (${s.message})` : ''}`;
    default:
      return '—';
  }
}

function when(t: string, now: number) {
  return t ? (
    <time dateTime={t} title={t}>
      {age(t, now)} ago
    </time>
  ) : (
    <span class="muted">—</span>
  );
}

function ownerLink(o: NonNullable<Pod['owner']>, namespace: string) {
  if (o.kind === 'Node') return href('overview', '');
  return href('workloads', namespace, { kind: o.kind, name: o.name });
}

function resources(r: Record<string, string>) {
  const e = Object.entries(r);
  return e.length ? e.map(([k, v]) => `${k} ${v}`).join(', ') : '—';
}

export function PodDetailPage({ namespace, params, onUnauthorized }: PageProps) {
  const name = params.get('name') ?? '';
  const view = useView<Summary, EventRow>('pod', namespace, onUnauthorized, { name });
  const now = useNow(5000);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const pod = view.summary?.pod;

  const del = () => {
    setConfirming(false);
    setResult(null);
    act('delete-pod', { namespace, name, uid: pod?.uid ?? '' }).then(
      (r) => setResult({ ok: true, text: r.message }),
      (e: ApiError) => (e.status === 401 ? onUnauthorized() : setResult({ ok: false, text: e.message })),
    );
  };

  return (
    <section aria-labelledby="page-title" class="pod-detail">
      <div class="title-row">
        <h1 id="page-title">
          Pod {namespace}/{name}
        </h1>
        {pod && (
          <button type="button" class="danger" data-action="delete-pod" disabled={!!pod.deleting} onClick={() => setConfirming(true)}>
            Delete pod
          </button>
        )}
      </div>
      <ViewStatus state={view} />
      {result && (
        <p role={result.ok ? 'status' : 'alert'} class={result.ok ? 'ok' : 'bad'} data-field="action-result">
          {result.text}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Delete pod ${namespace}/${name}?`}
        confirmLabel="Delete"
        danger
        onConfirm={del}
        onCancel={() => setConfirming(false)}
      >
        <p>
          The pod is deleted gracefully, as <code>kubectl delete pod</code> does: its containers get up to {pod?.gracePeriod ?? 30} s to stop.
          {pod?.owner ? ` Its ${pod.owner.kind} ${pod.owner.name} may create a replacement.` : ' Nothing recreates it.'}
        </p>
      </ConfirmDialog>
      {view.summary?.error && (
        <p role="alert" class="bad">
          {view.summary.error}
        </p>
      )}
      {view.summary && !view.summary.found && !view.summary.error && (
        <p class="notice" data-field="gone">
          No pod {namespace}/{name} exists (it was deleted, or never existed). Its events are below while they last.
        </p>
      )}
      {pod && <PodStatus pod={pod} namespace={namespace} now={now} />}
      {pod && (
        <>
          <h2>Conditions</h2>
          <table class="conditions-table">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Message</th>
                <th scope="col">Last transition</th>
              </tr>
            </thead>
            <tbody>
              {pod.conditions.map((c) => (
                <tr key={c.type} data-condition={c.type}>
                  <th scope="row">{c.type}</th>
                  <td data-field="status" class={c.status === 'True' ? 'ok' : 'bad'}>
                    {c.status}
                  </td>
                  <td data-field="reason">{c.reason}</td>
                  <td data-field="message">{c.message}</td>
                  <td data-field="lastTransitionTime" data-time={c.lastTransitionTime}>
                    {when(c.lastTransitionTime, now)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Containers</h2>
          {pod.containers.map((c) => (
            <ContainerCard key={c.kind + c.name} c={c} now={now} />
          ))}
          <h2>Resource usage</h2>
          <PodResourceCharts key={name} namespace={namespace} pod={name} containers={pod.containers} />
        </>
      )}
      <h2>Events</h2>
      <EventsTable rows={[...view.rows.entries()]} now={now} namespace={namespace} showObject={false} empty="No events for this pod." />
      {pod && (
        <>
          <h2>Logs</h2>
          <PodLogTail key={name} namespace={namespace} pod={name} containers={pod.containers} />
        </>
      )}
    </section>
  );
}

function PodStatus({ pod, namespace, now }: { pod: Pod; namespace: string; now: number }) {
  const labels = Object.entries(pod.labels);
  return (
    <dl class="facts">
      <dt>Phase</dt>
      <dd data-field="phase" class={`status-${pod.deleting ? 'Terminating' : pod.phase}`}>
        {pod.deleting ? `Terminating (${pod.phase})` : pod.phase}
        {pod.reason ? `: ${pod.reason}` : ''}
        {pod.message ? ` — ${pod.message}` : ''}
      </dd>
      <dt>Node</dt>
      <dd data-field="node">{pod.node || <span class="muted">not scheduled</span>}</dd>
      <dt>IPs</dt>
      <dd data-field="ips">
        pod {pod.podIPs.length ? pod.podIPs.join(', ') : '—'}; host {pod.hostIP || '—'}
      </dd>
      <dt>QoS class</dt>
      <dd data-field="qos">{pod.qosClass || '—'}</dd>
      <dt>Controlled by</dt>
      <dd data-field="owner">
        {pod.owner ? (
          <a href={ownerLink(pod.owner, namespace)}>
            {pod.owner.kind} {pod.owner.name}
          </a>
        ) : (
          <span class="muted">nothing (a bare pod)</span>
        )}
      </dd>
      <dt>Created</dt>
      <dd>{when(pod.created, now)}</dd>
      <dt>Service account</dt>
      <dd>{pod.serviceAccount || '—'}</dd>
      <dt>Labels</dt>
      <dd data-field="labels">
        {labels.length
          ? labels.map(([k, v]) => (
              <code key={k} class="label">
                {k}={v}
              </code>
            ))
          : '—'}
      </dd>
    </dl>
  );
}

function ContainerCard({ c, now }: { c: Container; now: number }) {
  return (
    <article class="container-card" data-container={c.name} aria-label={`${c.kind} container ${c.name}`}>
      <h3>
        {c.name} <span class="badge">{c.kind === 'app' ? 'container' : `${c.kind} container`}</span>
      </h3>
      <dl class="facts">
        <dt>State</dt>
        <dd data-field="state">{stateText(c.state, now)}</dd>
        <dt>Last state</dt>
        <dd data-field="lastState">{stateText(c.lastState, now)}</dd>
        <dt>Ready</dt>
        <dd data-field="ready" class={c.ready ? 'ok' : 'bad'}>
          {c.ready ? 'yes' : 'no'}
          {c.started ? '' : ' (not started)'}
        </dd>
        <dt>Restarts</dt>
        <dd data-field="restarts">{c.restartCount}</dd>
        <dt>Image</dt>
        <dd data-field="image">
          <code>{c.image}</code>
        </dd>
        <dt>Requests</dt>
        <dd data-field="requests">{resources(c.requests)}</dd>
        <dt>Limits</dt>
        <dd data-field="limits">{resources(c.limits)}</dd>
        {c.ports.length > 0 && (
          <>
            <dt>Ports</dt>
            <dd>{c.ports.join(', ')}</dd>
          </>
        )}
      </dl>
      {c.probes.length > 0 && (
        <table class="probes">
          <caption>Probes</caption>
          <thead>
            <tr>
              <th scope="col">Probe</th>
              <th scope="col">Check</th>
              <th scope="col">Delay</th>
              <th scope="col">Period</th>
              <th scope="col">Timeout</th>
              <th scope="col">Success / failure threshold</th>
            </tr>
          </thead>
          <tbody>
            {c.probes.map((p) => (
              <tr key={p.probe} data-probe={p.probe}>
                <th scope="row">{p.probe}</th>
                <td data-field="check">
                  {p.type} <code>{p.target}</code>
                </td>
                <td>{p.initialDelaySeconds}s</td>
                <td data-field="period">{p.periodSeconds}s</td>
                <td>{p.timeoutSeconds}s</td>
                <td data-field="thresholds">
                  {p.successThreshold} / {p.failureThreshold}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
