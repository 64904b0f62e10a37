// One node (view "node", #/node?name=NODE): Ready status, conditions with lastTransitionTime, taints
// with timeAdded, its Lease's renewTime, its pods, and the node actions behind confirmations:
// cordon / uncordon, drain, fail node / recover node (kubelet-sim's heartbeats annotation).
import { useState } from 'preact/hooks';
import { act, ApiError } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ViewStatus } from '../components/ViewStatus';
import { age } from '../format';
import { href, type PageProps } from '../routes';
import { useNow, useView } from '../useView';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

interface Taint {
  key: string;
  value: string;
  effect: string;
  timeAdded: string;
}

interface Summary {
  name: string;
  found: boolean;
  ready?: 'Ready' | 'NotReady' | 'Unknown';
  unschedulable?: boolean;
  zone?: string;
  heartbeats?: string;
  created?: string;
  conditions?: Condition[];
  taints?: Taint[];
  lease?: { holderIdentity: string; renewTime: string; leaseDurationSeconds: number } | null;
  pods?: number;
}

interface PodRow {
  namespace: string;
  name: string;
  phase: string;
  terminating: boolean;
  ready: boolean;
  owner: string;
  mirror: boolean;
  created: string;
}

type ActionName = 'cordon' | 'uncordon' | 'drain' | 'fail-node' | 'recover-node';

export function NodePage({ namespace, params, onUnauthorized }: PageProps) {
  const name = params.get('name') ?? '';
  const view = useView<Summary, PodRow>('node', namespace, onUnauthorized, { name });
  const now = useNow(1000);
  const [pending, setPending] = useState<ActionName | null>(null);
  const [running, setRunning] = useState<ActionName | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const s = view.summary;
  const pods = [...view.rows.values()].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const evictable = pods.filter((p) => !p.mirror && p.owner !== 'DaemonSet' && !p.terminating);
  const unmanaged = evictable.filter((p) => !p.owner);

  const run = (action: ActionName) => {
    setPending(null);
    setRunning(action);
    setResult(null);
    act(action, { node: name }).then(
      (r) => setResult({ ok: true, text: r.message }),
      (e: ApiError) => {
        if (e.status === 401) onUnauthorized();
        setResult({ ok: false, text: e.message });
      },
    ).finally(() => setRunning(null));
  };

  if (!name) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">Node</h1>
        <p role="alert">No node named: open a node from the <a href={href('overview', namespace)}>overview</a>.</p>
      </section>
    );
  }
  const stopped = s?.heartbeats === 'stopped';
  return (
    <section aria-labelledby="page-title" data-node-page={name}>
      <h1 id="page-title">Node {name}</h1>
      <ViewStatus state={view} />
      {s && !s.found && <p role="alert">There is no node named {name} (it may have been deleted).</p>}
      {s?.found && (
        <>
          <div class="cards">
            <div class="card">
              <h2>Status</h2>
              <p class="big" data-field="node-status">
                <span class={s.ready === 'Ready' ? 'ok' : s.ready === 'NotReady' ? 'bad' : 'warn'}>{s.ready}</span>
                {s.unschedulable && <span class="warn">,SchedulingDisabled</span>}
              </p>
              <p class="muted">
                zone {s.zone || '(none)'} · heartbeats{' '}
                <span data-field="heartbeats">{stopped ? 'stopped (simulated failure)' : 'running'}</span>
              </p>
            </div>
            <div class="card">
              <h2>Node lease</h2>
              {s.lease ? (
                <p data-field="lease">
                  renewed <time dateTime={s.lease.renewTime} title={s.lease.renewTime}>{age(s.lease.renewTime, now)} ago</time>
                  <br />
                  <span class="muted">duration {s.lease.leaseDurationSeconds}s, holder {s.lease.holderIdentity}</span>
                  {now > Date.parse(s.lease.renewTime) + s.lease.leaseDurationSeconds * 1000 && (
                    <>
                      <br />
                      <span class="warn">not renewed for longer than its duration</span>
                    </>
                  )}
                </p>
              ) : (
                <p class="muted" data-field="lease">no Lease in kube-node-lease</p>
              )}
            </div>
            <div class="card">
              <h2>Actions</h2>
              <div class="actions">
                {s.unschedulable ? (
                  <button type="button" disabled={!!running} onClick={() => setPending('uncordon')}>Uncordon</button>
                ) : (
                  <button type="button" disabled={!!running} onClick={() => setPending('cordon')}>Cordon</button>
                )}
                <button type="button" disabled={!!running} onClick={() => setPending('drain')}>Drain</button>
                {stopped ? (
                  <button type="button" disabled={!!running} onClick={() => setPending('recover-node')}>Recover node</button>
                ) : (
                  <button type="button" class="danger" disabled={!!running} onClick={() => setPending('fail-node')}>Fail node</button>
                )}
              </div>
              {running && (
                <p role="status" class="muted">
                  {running === 'drain' ? 'Draining… (a blocked eviction is retried for up to 30 s)' : `${running}: working…`}
                </p>
              )}
              {result && (
                <p role={result.ok ? 'status' : 'alert'} class={`action-result ${result.ok ? '' : 'bad'}`} data-field="action-result">
                  {result.text}
                </p>
              )}
            </div>
          </div>

          <h2 class="section-title">Conditions</h2>
          <table data-table="conditions">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Last transition</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {s.conditions!.map((c) => (
                <tr key={c.type} data-condition={c.type}>
                  <th scope="row">{c.type}</th>
                  <td data-field="status" class={conditionClass(c)}>{c.status}</td>
                  <td>{c.reason}</td>
                  <td><time dateTime={c.lastTransitionTime} title={c.lastTransitionTime}>{age(c.lastTransitionTime, now)} ago</time></td>
                  <td class="muted">{c.message}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2 class="section-title">Taints</h2>
          {s.taints!.length === 0 ? (
            <p class="muted" data-field="taints">none</p>
          ) : (
            <table data-table="taints">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Value</th>
                  <th scope="col">Effect</th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {s.taints!.map((t) => (
                  <tr key={`${t.key}:${t.effect}`} data-taint={`${t.key}:${t.effect}`}>
                    <th scope="row">{t.key}</th>
                    <td>{t.value}</td>
                    <td>{t.effect}</td>
                    <td>{t.timeAdded ? <time dateTime={t.timeAdded} title={t.timeAdded}>{age(t.timeAdded, now)} ago</time> : <span class="muted">–</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h2 class="section-title">Pods{namespace ? ` in ${namespace}` : ''} ({pods.length})</h2>
          <table data-table="pods">
            <thead>
              <tr>
                <th scope="col">Namespace</th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Ready</th>
                <th scope="col">Controlled by</th>
                <th scope="col">Age</th>
              </tr>
            </thead>
            <tbody>
              {pods.map((p) => (
                <tr key={`${p.namespace}/${p.name}`} data-pod={`${p.namespace}/${p.name}`}>
                  <td>{p.namespace}</td>
                  <th scope="row">{p.name}</th>
                  <td data-field="status">{p.terminating ? 'Terminating' : p.phase}</td>
                  <td>{p.ready ? 'yes' : 'no'}</td>
                  <td>{p.mirror ? 'mirror pod' : p.owner || <span class="muted">nothing</span>}</td>
                  <td>{age(p.created, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <ConfirmDialog
        open={pending === 'cordon' || pending === 'uncordon'}
        title={pending === 'cordon' ? `Cordon ${name}?` : `Uncordon ${name}?`}
        confirmLabel={pending === 'cordon' ? `Cordon ${name}` : `Uncordon ${name}`}
        onConfirm={() => run(pending!)}
        onCancel={() => setPending(null)}
      >
        {pending === 'cordon' ? (
          <p>The scheduler will place no new pods on {name} (spec.unschedulable). Its {pods.length} pods keep running.</p>
        ) : (
          <p>The scheduler may place pods on {name} again.</p>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={pending === 'drain'}
        title={`Drain ${name}?`}
        confirmLabel={`Drain ${name}`}
        danger
        onConfirm={() => run('drain')}
        onCancel={() => setPending(null)}
      >
        <p>
          Cordons {name}, then evicts {evictable.length} {evictable.length === 1 ? 'pod' : 'pods'} through the Eviction API, respecting
          PodDisruptionBudgets (a blocked eviction is retried for up to 30 s). DaemonSet-managed and mirror pods stay.
        </p>
        {unmanaged.length > 0 && (
          <p class="bad">
            {unmanaged.length} {unmanaged.length === 1 ? 'pod is' : 'pods are'} not managed by a controller and will not come back:{' '}
            {unmanaged.map((p) => `${p.namespace}/${p.name}`).join(', ')}.
          </p>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={pending === 'fail-node' || pending === 'recover-node'}
        title={pending === 'fail-node' ? `Fail ${name}?` : `Recover ${name}?`}
        confirmLabel={pending === 'fail-node' ? `Fail ${name}` : `Recover ${name}`}
        danger={pending === 'fail-node'}
        onConfirm={() => run(pending!)}
        onCancel={() => setPending(null)}
      >
        {pending === 'fail-node' ? (
          <p>
            kubelet-sim stops renewing {name}'s Lease and status (annotation <code>sim.kubelite.io/heartbeats: stopped</code>), as if the node
            were cut off. After the node monitor grace period (40 s by default) it turns Unknown and gets the unreachable taints; its pods are
            evicted after their tolerationSeconds (300 s by default).
          </p>
        ) : (
          <p>kubelet-sim resumes {name}'s heartbeats: it turns Ready again and its unreachable taints go.</p>
        )}
      </ConfirmDialog>
    </section>
  );
}

function conditionClass(c: Condition): string {
  if (c.status === 'Unknown') return 'warn';
  const good = c.type === 'Ready' ? 'True' : 'False';
  return c.status === good ? 'ok' : 'bad';
}
