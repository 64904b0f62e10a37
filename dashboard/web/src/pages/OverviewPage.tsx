// Cluster overview: nodes grouped by zone with Ready / NotReady / Unknown, taints, cordon,
// allocatable vs requests vs usage, pods per node (view "overview").
import { Component } from 'preact';
import { ViewStatus } from '../components/ViewStatus';
import { cpu, memory, percent } from '../format';
import { href, type PageProps } from '../routes';
import { useView } from '../useView';

interface Zone {
  zone: string;
  nodes: number;
  ready: number;
  notReady: number;
  unknown: number;
}

interface Resources {
  cpuMillis: number;
  memoryBytes: number;
}

interface Summary {
  nodes: number;
  metricsAvailable: boolean;
  /** Sums over the nodes; usage over those metrics-server reported (nodesWithUsage of them). */
  cluster: { allocatable: Resources; requests: Resources; usage: Resources | null; nodesWithUsage: number };
  zones: Zone[];
  podPhases: Record<string, number>;
}

interface NodeRow {
  name: string;
  zone: string;
  ready: 'Ready' | 'NotReady' | 'Unknown';
  unschedulable: boolean;
  pods: number;
  taints: string[];
  allocatable: Resources & { pods: number };
  requests: Resources;
  usage: Resources | null;
}

export function OverviewPage({ namespace, onUnauthorized }: PageProps) {
  const view = useView<Summary, NodeRow>('overview', namespace, onUnauthorized);
  const s = view.summary;
  const byZone = new Map<string, NodeRow[]>();
  for (const n of view.rows.values()) {
    const list = byZone.get(n.zone) ?? [];
    list.push(n);
    byZone.set(n.zone, list);
  }
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Cluster overview</h1>
      <ViewStatus state={view} />
      {s && (
        <div class="cards">
          <div class="card">
            <h2>Nodes</h2>
            <p class="big">{s.nodes}</p>
          </div>
          <div class="card">
            <h2>Pods{namespace ? ` in ${namespace}` : ''}</h2>
            <p class="big">{Object.values(s.podPhases).reduce((a, b) => a + b, 0)}</p>
            <p class="muted">
              {Object.entries(s.podPhases)
                .map(([phase, n]) => `${n} ${phase}`)
                .join(', ') || 'none'}
            </p>
          </div>
          <div class="card" data-field="cluster-usage">
            <h2>Cluster CPU and memory</h2>
            <p class="muted">requests / usage of allocatable</p>
            <div class="card-bar">
              <span>CPU</span>
              <Bar
                field="cpu"
                used={s.cluster.requests.cpuMillis}
                usage={s.cluster.usage?.cpuMillis}
                total={s.cluster.allocatable.cpuMillis}
                fmt={cpu}
              />
            </div>
            <div class="card-bar">
              <span>Memory</span>
              <Bar
                field="memory"
                used={s.cluster.requests.memoryBytes}
                usage={s.cluster.usage?.memoryBytes}
                total={s.cluster.allocatable.memoryBytes}
                fmt={memory}
              />
            </div>
            <p class="muted" data-metrics={s.metricsAvailable ? 'available' : 'unavailable'}>
              {!s.metricsAvailable
                ? 'usage unavailable (no metrics-server answers metrics.k8s.io)'
                : s.cluster.nodesWithUsage < s.nodes
                  ? `usage from metrics.k8s.io, ${s.cluster.nodesWithUsage} of ${s.nodes} nodes reported`
                  : 'usage from metrics.k8s.io'}
            </p>
          </div>
        </div>
      )}
      {s?.zones.map((z) => (
        <section class="zone" key={z.zone} data-zone={z.zone} aria-labelledby={`zone-${z.zone}`}>
          <h2 id={`zone-${z.zone}`}>
            Zone {z.zone}{' '}
            <span class="muted">
              {z.nodes} nodes: <span class="ok">{z.ready} Ready</span>
              {z.notReady > 0 && <span class="bad">, {z.notReady} NotReady</span>}
              {z.unknown > 0 && <span class="warn">, {z.unknown} Unknown</span>}
            </span>
          </h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Status</th>
                <th scope="col">Taints</th>
                <th scope="col">CPU requests / usage</th>
                <th scope="col">Memory requests / usage</th>
                <th scope="col">Pods</th>
              </tr>
            </thead>
            <tbody>
              {(byZone.get(z.zone) ?? [])
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((n) => (
                  <NodeTr key={n.name} n={n} namespace={namespace} />
                ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}

/**
 * One node's row; re-rendered only when its row object changed. A patch replaces just the rows
 * that differ, so with 1,000 nodes a pod change re-renders one row, not all of them.
 */
class NodeTr extends Component<{ n: NodeRow; namespace: string }> {
  shouldComponentUpdate(next: { n: NodeRow; namespace: string }) {
    return next.n !== this.props.n || next.namespace !== this.props.namespace;
  }

  render() {
    const n = this.props.n;
    return (
      <tr data-node={n.name}>
        <th scope="row"><a href={href('node', this.props.namespace, { name: n.name })}>{n.name}</a></th>
        <td data-field="ready">
          <span class={n.ready === 'Ready' ? 'ok' : n.ready === 'NotReady' ? 'bad' : 'warn'}>{n.ready}</span>
          {n.unschedulable && <span class="badge">cordoned</span>}
        </td>
        <td class="taints">{n.taints.length ? n.taints.join(', ') : <span class="muted">none</span>}</td>
        <td>
          <Bar field="cpu" used={n.requests.cpuMillis} usage={n.usage?.cpuMillis} total={n.allocatable.cpuMillis} fmt={cpu} />
        </td>
        <td>
          <Bar field="memory" used={n.requests.memoryBytes} usage={n.usage?.memoryBytes} total={n.allocatable.memoryBytes} fmt={memory} />
        </td>
        <td data-field="pods">
          {n.pods} / {n.allocatable.pods}
        </td>
      </tr>
    );
  }
}

/**
 * Requests (the wide bar) and usage (the thin one) against allocatable, and the same as text:
 * "requests / usage of allocatable", usage "–" when metrics-server did not report it.
 */
function Bar({ field, used, usage, total, fmt }: { field: string; used: number; usage?: number; total: number; fmt: (v: number) => string }) {
  const label =
    `requests ${fmt(used)} of ${fmt(total)} (${percent(used, total)})` +
    (usage !== undefined ? `, usage ${fmt(usage)} (${percent(usage, total)})` : ', usage unavailable');
  return (
    <div class="bar" data-field={field} title={label} aria-label={label}>
      <div class="bar-track">
        <div class="bar-requests" style={{ width: `${Math.min(100, total ? (100 * used) / total : 0)}%` }} />
        {usage !== undefined && <div class="bar-usage" style={{ width: `${Math.min(100, total ? (100 * usage) / total : 0)}%` }} />}
      </div>
      <span class="bar-text">
        <span data-field="requests">{fmt(used)}</span> / <span data-field="usage">{usage !== undefined ? fmt(usage) : '–'}</span> of{' '}
        <span data-field="allocatable">{fmt(total)}</span>
      </span>
    </div>
  );
}
