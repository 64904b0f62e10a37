// The control plane (view "control-plane"): each component's replicas and readiness from its mirror
// pods in kube-system, who leads the leader-elected ones (their Lease: holder, renew time, duration,
// transitions, and the fencing token the leader writes with), and etcd's members.
import { ViewStatus } from '../components/ViewStatus';
import { age } from '../format';
import { href, type PageProps } from '../routes';
import { useNow, useView } from '../useView';

interface Lease {
  name: string;
  holderIdentity: string;
  renewTime: string;
  acquireTime: string;
  leaseDurationSeconds: number;
  leaseTransitions: number;
  fencingToken?: string;
}

interface Replica {
  name: string;
  ready: boolean;
  host: string;
  started: string;
  leader: boolean;
  message?: string;
  etcd?: { memberId: string; leader: boolean | null; learner: boolean; version: string };
}

interface ComponentRow {
  component: string;
  ready: number;
  replicas: Replica[];
  lease: Lease | null;
}

interface Summary {
  namespace: string;
  outsideFilter?: boolean;
  components?: number;
  highestResourceVersion?: number;
}

export function ControlPlanePage({ namespace, onUnauthorized }: PageProps) {
  const view = useView<Summary, ComponentRow>('control-plane', namespace, onUnauthorized);
  const now = useNow(1000);
  const s = view.summary;
  const rows = [...view.rows.values()];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Control plane</h1>
      <ViewStatus state={view} />
      {s?.outsideFilter && (
        <p class="notice" role="status">
          The control plane lives in kube-system. <a href={href('control-plane', '')}>Show all namespaces</a> or{' '}
          <a href={href('control-plane', 'kube-system')}>kube-system</a>.
        </p>
      )}
      {s && !s.outsideFilter && (
        <p class="muted" data-field="revision">
          {s.highestResourceVersion !== undefined
            ? `Highest resourceVersion seen (an etcd revision): ${s.highestResourceVersion}`
            : 'No resourceVersion seen yet'}
          {' · every kubelite process shows itself as a mirror pod in kube-system'}
        </p>
      )}
      {rows.map((c) => (
        <section class="zone" key={c.component} data-component={c.component} aria-labelledby={`cp-${c.component}`}>
          <h2 id={`cp-${c.component}`}>
            {c.component}{' '}
            <span class="muted" data-field="replicas">
              {c.ready}/{c.replicas.length} ready
            </span>
          </h2>
          {c.lease && <LeaseLine lease={c.lease} now={now} />}
          {c.replicas.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">Replica (mirror pod)</th>
                  <th scope="col">Ready</th>
                  <th scope="col">Role</th>
                  <th scope="col">Host</th>
                  <th scope="col">Age</th>
                </tr>
              </thead>
              <tbody>
                {c.replicas.map((r) => (
                  <tr key={r.name} data-replica={r.name}>
                    <th scope="row">{r.name}</th>
                    <td data-field="ready" class={r.ready ? 'ok' : 'bad'} title={r.message}>
                      {r.ready ? 'Ready' : 'NotReady'}
                      {!r.ready && r.message && <span class="muted"> ({r.message})</span>}
                    </td>
                    <td data-field="role">{role(c, r)}</td>
                    <td>{r.host}</td>
                    <td>{age(r.started, now)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </section>
  );
}

function role(c: ComponentRow, r: Replica): string {
  if (r.etcd) {
    const parts = [`member ${r.etcd.memberId}`];
    parts.push(r.etcd.leader === null ? 'not answering' : r.etcd.leader ? 'raft leader' : 'follower');
    if (r.etcd.learner) parts.push('learner');
    if (r.etcd.version) parts.push(`v${r.etcd.version}`);
    return parts.join(', ');
  }
  if (!c.lease) return '–';
  return r.leader ? 'leader' : 'standby';
}

function LeaseLine({ lease, now }: { lease: Lease; now: number }) {
  const renewed = Date.parse(lease.renewTime);
  const expired = !Number.isNaN(renewed) && now > renewed + lease.leaseDurationSeconds * 1000;
  return (
    <dl class="lease" data-lease={lease.name}>
      <div>
        <dt>Leader</dt>
        <dd data-field="holder">{lease.holderIdentity || <span class="muted">none</span>}</dd>
      </div>
      <div>
        <dt>Fencing token</dt>
        <dd data-field="fencing" title="the etcd create_revision of the leader's election key: every write the leader makes is compared against it">
          {lease.fencingToken ?? <span class="muted">none</span>}
        </dd>
      </div>
      <div>
        <dt>Transitions</dt>
        <dd data-field="transitions">{lease.leaseTransitions}</dd>
      </div>
      <div>
        <dt>Lease</dt>
        <dd>
          kube-system/{lease.name}: renewed{' '}
          <time dateTime={lease.renewTime} title={lease.renewTime} data-field="renewed">
            {age(lease.renewTime, now)} ago
          </time>
          , duration {lease.leaseDurationSeconds}s{expired && <span class="warn"> (expired: no leader renewing)</span>}, acquired{' '}
          <time dateTime={lease.acquireTime} title={lease.acquireTime}>{age(lease.acquireTime, now)} ago</time>
        </dd>
      </div>
    </dl>
  );
}
