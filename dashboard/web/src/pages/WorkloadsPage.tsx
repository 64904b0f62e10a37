// Workloads (view "workloads"): Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs and CronJobs
// with kubectl get's columns, rollout progress as `kubectl rollout status` says it, owners, the pods
// each controls, and the actions scale, rollout restart and rollout undo behind a confirmation.
import { useEffect, useState } from 'preact/hooks';
import { act, ApiError } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ViewStatus } from '../components/ViewStatus';
import { age } from '../format';
import { href, type PageProps } from '../routes';
import { useNow, useView } from '../useView';

interface PodRef {
  name: string;
  status: string;
  ready: string;
  node: string;
}

interface WorkloadRow {
  kind: string;
  namespace: string;
  name: string;
  created: string;
  owner?: { kind: string; name: string };
  terminating?: boolean;
  images: string[];
  pods: PodRef[];
  rollout?: { state: string; message: string };
  // per kind (see WorkloadsView)
  [field: string]: any;
}

type Op = 'scale' | 'rollout-restart' | 'rollout-undo';

interface Pending {
  op: Op;
  row: WorkloadRow;
}

const KINDS: { kind: string; title: string }[] = [
  { kind: 'Deployment', title: 'Deployments' },
  { kind: 'ReplicaSet', title: 'ReplicaSets' },
  { kind: 'DaemonSet', title: 'DaemonSets' },
  { kind: 'StatefulSet', title: 'StatefulSets' },
  { kind: 'Job', title: 'Jobs' },
  { kind: 'CronJob', title: 'CronJobs' },
];

const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);
const ROLLABLE = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);

const keyOf = (r: { kind: string; namespace: string; name: string }) => `${r.kind}/${r.namespace}/${r.name}`;

export function WorkloadsPage({ namespace, params, onUnauthorized }: PageProps) {
  const view = useView<{ count: number; byKind: Record<string, number> }, WorkloadRow>('workloads', namespace, onUnauthorized);
  const now = useNow(5000);
  const [pending, setPending] = useState<Pending | null>(null);
  const [replicas, setReplicas] = useState('');
  const [inputError, setInputError] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const focus = params.get('focus') ?? '';

  useEffect(() => {
    if (focus) document.querySelector(`[data-workload="${CSS.escape(focus)}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus, view.status]);

  const rows = [...view.rows.values()];
  const open = (op: Op, row: WorkloadRow) => {
    setPending({ op, row });
    setReplicas(String(row.replicas ?? ''));
    setInputError('');
  };
  const confirm = () => {
    if (!pending) return;
    const { op, row } = pending;
    const body: Record<string, unknown> = { kind: row.kind, namespace: row.namespace, name: row.name };
    if (op === 'scale') {
      if (!/^\d+$/.test(replicas.trim())) {
        setInputError('Enter a whole number, 0 or more.');
        return;
      }
      body.replicas = Number(replicas.trim());
    }
    setBusy(true);
    act(op, body).then(
      (r) => setResult({ ok: true, text: r.message }),
      (e: ApiError) => {
        if (e.status === 401) onUnauthorized();
        setResult({ ok: false, text: e.message });
      },
    ).finally(() => {
      setBusy(false);
      setPending(null);
    });
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Workloads{namespace ? ` in ${namespace}` : ''}</h1>
      <ViewStatus state={view} />
      <p class="muted">
        <a href={href('apply', namespace)}>Apply a manifest…</a>
      </p>
      {result && (
        <p id="action-result" class={result.ok ? 'notice ok-notice' : 'notice error-notice'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
      {KINDS.map(({ kind, title }) => {
        const list = rows.filter((r) => r.kind === kind).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
        return (
          <section key={kind} class="workload-kind" data-kind={kind} aria-labelledby={`h-${kind}`}>
            <h2 id={`h-${kind}`}>
              {title} <span class="muted">({list.length})</span>
            </h2>
            {list.length === 0 ? (
              <p class="muted">None{namespace ? ` in ${namespace}` : ''}.</p>
            ) : (
              <table class="workloads">
                <thead>
                  <tr>
                    {!namespace && <th scope="col">Namespace</th>}
                    <th scope="col">Name</th>
                    <Columns kind={kind} />
                    <th scope="col">Age</th>
                    <th scope="col">Pods</th>
                    {(SCALABLE.has(kind) || ROLLABLE.has(kind)) && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {list.map((r) => (
                    <tr key={keyOf(r)} data-workload={keyOf(r)} class={focus === keyOf(r) ? 'focused' : ''}>
                      {!namespace && <td>{r.namespace}</td>}
                      <th scope="row">
                        {r.name}
                        {r.terminating && <span class="badge">terminating</span>}
                        {r.paused && <span class="badge" data-field="paused">paused</span>}
                        {r.images.length > 0 && <div class="muted small">{r.images.join(', ')}</div>}
                      </th>
                      <Cells row={r} now={now} namespace={namespace} />
                      <td>{age(r.created, now)}</td>
                      <td data-field="pods">
                        <PodList row={r} namespace={namespace} />
                      </td>
                      {(SCALABLE.has(kind) || ROLLABLE.has(kind)) && (
                        <td class="actions">
                          {SCALABLE.has(kind) && (
                            <button type="button" data-action="scale" onClick={() => open('scale', r)}>
                              Scale…
                            </button>
                          )}
                          {ROLLABLE.has(kind) && (
                            <button type="button" data-action="rollout-restart" onClick={() => open('rollout-restart', r)}>
                              Restart…
                            </button>
                          )}
                          {ROLLABLE.has(kind) && (
                            <button type="button" data-action="rollout-undo" onClick={() => open('rollout-undo', r)}>
                              Undo…
                            </button>
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
      <ConfirmDialog
        open={pending !== null}
        busy={busy}
        title={pending ? dialogTitle(pending) : ''}
        confirmLabel={pending?.op === 'scale' ? 'Scale' : pending?.op === 'rollout-restart' ? 'Restart' : 'Undo'}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      >
        {pending?.op === 'scale' && (
          <>
            <p>
              Set the desired replicas of {pending.row.kind} <strong>{pending.row.namespace}/{pending.row.name}</strong> (now{' '}
              {pending.row.replicas}). Pods are added or removed to match.
            </p>
            <label for="scale-replicas">Replicas</label>{' '}
            <input
              id="scale-replicas"
              type="number"
              min={0}
              step={1}
              inputMode="numeric"
              value={replicas}
              aria-invalid={inputError ? 'true' : undefined}
              aria-describedby={inputError ? 'scale-error' : undefined}
              onInput={(e) => setReplicas((e.target as HTMLInputElement).value)}
            />
            {inputError && (
              <p id="scale-error" class="bad" role="alert">
                {inputError}
              </p>
            )}
          </>
        )}
        {pending?.op === 'rollout-restart' && (
          <p>
            Restart every pod of {pending.row.kind} <strong>{pending.row.namespace}/{pending.row.name}</strong> by rolling it out
            again (as <code>kubectl rollout restart</code>: the pod template gets a new <code>restartedAt</code> annotation).
          </p>
        )}
        {pending?.op === 'rollout-undo' && (
          <p>
            Roll {pending.row.kind} <strong>{pending.row.namespace}/{pending.row.name}</strong> back to its previous revision's pod
            template (as <code>kubectl rollout undo</code>); this starts a new rollout.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}

function dialogTitle(p: Pending): string {
  const what = `${p.row.kind.toLowerCase()} ${p.row.name}`;
  return p.op === 'scale' ? `Scale ${what}?` : p.op === 'rollout-restart' ? `Restart ${what}?` : `Undo the last rollout of ${what}?`;
}

function Columns({ kind }: { kind: string }) {
  const h = (t: string) => <th scope="col">{t}</th>;
  switch (kind) {
    case 'Deployment':
      return <>{h('Ready')}{h('Up-to-date')}{h('Available')}{h('Revision')}{h('Rollout')}</>;
    case 'ReplicaSet':
      return <>{h('Owner')}{h('Desired')}{h('Current')}{h('Ready')}{h('Revision')}</>;
    case 'DaemonSet':
      return <>{h('Desired')}{h('Current')}{h('Ready')}{h('Up-to-date')}{h('Available')}{h('Node selector')}{h('Rollout')}</>;
    case 'StatefulSet':
      return <>{h('Ready')}{h('Rollout')}</>;
    case 'Job':
      return <>{h('Owner')}{h('Status')}{h('Completions')}{h('Duration')}</>;
    default:
      return <>{h('Schedule')}{h('Time zone')}{h('Suspend')}{h('Active')}{h('Last schedule')}</>;
  }
}

function Cells({ row: r, now, namespace }: { row: WorkloadRow; now: number; namespace: string }) {
  const d = (field: string, v: any) => <td data-field={field}>{v}</td>;
  switch (r.kind) {
    case 'Deployment':
      return <>{d('ready', `${r.ready}/${r.replicas}`)}{d('updated', r.updated)}{d('available', r.available)}{d('revision', r.revision)}<Rollout row={r} /></>;
    case 'ReplicaSet':
      return <><Owner row={r} namespace={namespace} />{d('desired', r.replicas)}{d('current', r.current)}{d('ready', r.ready)}{d('revision', r.revision)}</>;
    case 'DaemonSet':
      return <>{d('desired', r.desired)}{d('current', r.current)}{d('ready', r.ready)}{d('updated', r.updated)}{d('available', r.available)}{d('node-selector', r.nodeSelector || '<none>')}<Rollout row={r} /></>;
    case 'StatefulSet':
      return <>{d('ready', `${r.ready}/${r.replicas}`)}<Rollout row={r} /></>;
    case 'Job':
      return <><Owner row={r} namespace={namespace} />{d('status', r.status)}{d('completions', r.completions)}{d('duration', r.started ? age(r.started, r.completed ? Date.parse(r.completed) : now) : '')}</>;
    default:
      return <>{d('schedule', r.schedule)}{d('time-zone', r.timeZone || '<none>')}{d('suspend', String(r.suspend))}{d('active', r.active)}{d('last-schedule', r.lastSchedule ? `${age(r.lastSchedule, now)} ago` : '<none>')}</>;
  }
}

function Rollout({ row }: { row: WorkloadRow }) {
  const state = row.rollout?.state ?? 'unknown';
  const cls = state === 'complete' ? 'ok' : state === 'failed' ? 'bad' : state === 'progressing' ? 'warn' : 'muted';
  return (
    <td data-field="rollout" data-state={state} class={`rollout ${cls}`}>
      {row.rollout?.message}
    </td>
  );
}

function Owner({ row, namespace }: { row: WorkloadRow; namespace: string }) {
  if (!row.owner) return <td data-field="owner" class="muted">none</td>;
  const key = `${row.owner.kind}/${row.namespace}/${row.owner.name}`;
  return (
    <td data-field="owner">
      <a href={href('workloads', namespace, { focus: key })}>
        {row.owner.kind} {row.owner.name}
      </a>
    </td>
  );
}

function PodList({ row, namespace }: { row: WorkloadRow; namespace: string }) {
  if (row.pods.length === 0) return <span class="muted">none</span>;
  const running = row.pods.filter((p) => p.status === 'Running').length;
  return (
    <details>
      <summary>
        {row.pods.length} pod{row.pods.length === 1 ? '' : 's'}, {running} running
      </summary>
      <ul class="pod-list">
        {row.pods.map((p) => (
          <li key={p.name} data-pod={`${row.namespace}/${p.name}`}>
            <a href={href('pod', row.namespace, { name: p.name })}>{p.name}</a>{' '}
            <span class={`status-${p.status}`}>{p.status}</span> <span class="muted">{p.ready}{p.node ? ` on ${p.node}` : ''}</span>
          </li>
        ))}
      </ul>
      <a href={href('pods', row.namespace)}>All pods in {row.namespace}</a>
    </details>
  );
}
