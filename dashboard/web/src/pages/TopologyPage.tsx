// Topology spread (view "topology"): the pods a label selector picks, drawn per zone and per node,
// and each spread constraint those pods declare with its per-domain counts and current skew.
import { useEffect, useState } from 'preact/hooks';
import { ViewStatus } from '../components/ViewStatus';
import { href, type PageProps } from '../routes';
import { useView } from '../useView';

interface Summary {
  selector: string;
  matching: number;
  constraints: number;
  zones: { zone: string; nodes: number }[];
}

interface Chip {
  namespace: string;
  name: string;
  phase: string;
  ready: boolean;
  terminating: boolean;
}

interface NodeRow {
  kind: 'node';
  name: string;
  zone: string;
  ready: string;
  unschedulable: boolean;
  pods: Chip[];
}

interface UnscheduledRow {
  kind: 'unscheduled';
  pods: Chip[];
}

interface ConstraintRow {
  kind: 'constraint';
  namespace: string;
  topologyKey: string;
  maxSkew: number;
  whenUnsatisfiable: string;
  minDomains: number;
  nodeAffinityPolicy: string;
  nodeTaintsPolicy: string;
  selector: string;
  skew: number;
  exceeded: boolean;
  declaredBy: string[];
  domains: { domain: string; pods: number }[];
  excludedNodes: string[];
}

type Row = NodeRow | UnscheduledRow | ConstraintRow;

export function TopologyPage({ namespace, params, onUnauthorized }: PageProps) {
  const selector = params.get('selector') ?? '';
  const [draft, setDraft] = useState(selector);
  useEffect(() => setDraft(selector), [selector]);
  const view = useView<Summary, Row>('topology', namespace, onUnauthorized, { selector });
  const rows = [...view.rows.entries()];
  const nodes = rows.filter(([, r]) => r.kind === 'node').map(([, r]) => r as NodeRow);
  const unscheduled = rows.find(([, r]) => r.kind === 'unscheduled')?.[1] as UnscheduledRow | undefined;
  const constraints = rows.filter(([, r]) => r.kind === 'constraint') as [string, ConstraintRow][];
  const s = view.summary;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Topology{namespace ? ` in ${namespace}` : ''}</h1>
      <form
        class="topo-form"
        onSubmit={(e) => {
          e.preventDefault();
          window.location.hash = href('topology', namespace, draft.trim() ? { selector: draft.trim() } : {});
        }}
      >
        <label for="topo-selector">Label selector</label>
        <input
          id="topo-selector"
          name="selector"
          value={draft}
          placeholder="app=web"
          spellcheck={false}
          autocomplete="off"
          aria-describedby="topo-selector-help"
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Show</button>
        <span id="topo-selector-help" class="muted">
          kubectl syntax: <code>app=web</code>, <code>tier in (a,b)</code>, <code>!canary</code>; empty shows every pod
        </span>
      </form>
      <ViewStatus state={view} />
      {s && (
        <p class="muted" data-field="matching">
          {s.matching} pods match {s.selector ? <code>{s.selector}</code> : 'every pod'}
          {namespace ? ` in ${namespace}` : ' in all namespaces'}; {s.constraints} spread constraint
          {s.constraints === 1 ? '' : 's'} declared by them.
        </p>
      )}
      <Legend />
      <div class="topo-zones">
        {s?.zones.map((z) => (
          <section class="topo-zone" key={z.zone} data-zone={z.zone} aria-labelledby={`tz-${z.zone}`}>
            <h2 id={`tz-${z.zone}`}>
              Zone {z.zone}{' '}
              <span class="muted" data-field="zone-count">
                {nodes.filter((n) => n.zone === z.zone).reduce((a, n) => a + n.pods.length, 0)} pods on {z.nodes} nodes
              </span>
            </h2>
            <div class="topo-nodes">
              {nodes
                .filter((n) => n.zone === z.zone)
                .map((n) => (
                  <div class="topo-node" key={n.name} data-node={n.name}>
                    <h3>
                      {n.name}{' '}
                      <span class={n.ready === 'Ready' ? 'ok' : n.ready === 'NotReady' ? 'bad' : 'warn'}>{n.ready}</span>
                      {n.unschedulable && <span class="badge">cordoned</span>}
                    </h3>
                    <p class="muted" data-field="node-count">
                      {n.pods.length} pods
                    </p>
                    <Chips pods={n.pods} />
                  </div>
                ))}
            </div>
          </section>
        ))}
        {unscheduled && (
          <section class="topo-zone" data-zone="(unscheduled)" aria-labelledby="tz-unscheduled">
            <h2 id="tz-unscheduled">
              Not scheduled <span class="muted">{unscheduled.pods.length} pods</span>
            </h2>
            <Chips pods={unscheduled.pods} />
          </section>
        )}
      </div>

      <h2>Spread constraints</h2>
      {constraints.length === 0 ? (
        <p class="muted">The matching pods declare no topologySpreadConstraints.</p>
      ) : (
        <table class="topo-constraints">
          <thead>
            <tr>
              <th scope="col">Declared by</th>
              <th scope="col">Topology key</th>
              <th scope="col">Max skew</th>
              <th scope="col">When unsatisfiable</th>
              <th scope="col">Pods per domain</th>
              <th scope="col">Skew</th>
            </tr>
          </thead>
          <tbody>
            {constraints.map(([key, c]) => (
              <tr key={key} data-constraint={c.topologyKey} data-exceeded={c.exceeded ? 'true' : 'false'}>
                <td>
                  {c.declaredBy.map((d) => (
                    <div key={d}>{d}</div>
                  ))}
                  <div class="muted small">
                    selects <code>{c.selector}</code>
                  </div>
                </td>
                <th scope="row">{c.topologyKey}</th>
                <td>{c.maxSkew}</td>
                <td>{c.whenUnsatisfiable}</td>
                <td data-field="domains">
                  {c.domains.length === 0 ? (
                    <span class="bad">no eligible domain</span>
                  ) : (
                    c.domains.map((d) => (
                      <span class="topo-domain" key={d.domain} data-domain={d.domain}>
                        {d.domain}: {d.pods}{' '}
                      </span>
                    ))
                  )}
                  <div class="muted small">
                    {c.minDomains > 1 && `minDomains ${c.minDomains}; `}nodeAffinityPolicy {c.nodeAffinityPolicy}, nodeTaintsPolicy{' '}
                    {c.nodeTaintsPolicy}
                    {c.excludedNodes.length > 0 && `; not counted: ${c.excludedNodes.join(', ')}`}
                  </div>
                </td>
                <td data-field="skew" class={c.exceeded ? 'bad' : 'ok'}>
                  {c.skew} {c.exceeded ? `(over max ${c.maxSkew})` : `(within ${c.maxSkew})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A pod's state in words (chips are coloured too, but never by colour alone). */
function state(p: Chip): string {
  if (p.terminating) return 'Terminating';
  if (p.phase === 'Running') return p.ready ? 'Running, ready' : 'Running, not ready';
  return p.phase;
}

function chipClass(p: Chip): string {
  if (p.terminating) return 'chip chip-terminating';
  if (p.phase === 'Running') return p.ready ? 'chip chip-ready' : 'chip chip-unready';
  if (p.phase === 'Failed') return 'chip chip-failed';
  if (p.phase === 'Succeeded') return 'chip chip-done';
  return 'chip chip-pending';
}

function Chips({ pods }: { pods: Chip[] }) {
  if (pods.length === 0) return <p class="muted small">no matching pods</p>;
  return (
    <ul class="chips">
      {pods.map((p) => (
        <li key={`${p.namespace}/${p.name}`} class={chipClass(p)} data-pod={`${p.namespace}/${p.name}`} title={`${p.namespace}/${p.name}: ${state(p)}`}>
          <a href={href('pod', p.namespace, { name: p.name })}>{p.name}</a> <span class="chip-state">{state(p)}</span>
        </li>
      ))}
    </ul>
  );
}

function Legend() {
  return (
    <p class="muted small topo-legend" aria-hidden="true">
      <span class="chip chip-ready">Running, ready</span> <span class="chip chip-unready">Running, not ready</span>{' '}
      <span class="chip chip-pending">Pending</span> <span class="chip chip-failed">Failed</span>{' '}
      <span class="chip chip-terminating">Terminating</span>
    </p>
  );
}
