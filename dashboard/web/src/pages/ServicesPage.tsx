// Services (view "services"): type, cluster IPs, ports with node ports, selector, endpoints from
// EndpointSlices (ready/serving/terminating, the pod each targets, linked) and DNS names, live.
import { ViewStatus } from '../components/ViewStatus';
import { age } from '../format';
import { href, type PageProps } from '../routes';
import { useNow, useView } from '../useView';

interface Endpoint {
  addresses: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  node: string;
  zone: string;
  hostname: string;
  ports: string;
  pod?: string;
}

interface ServiceRow {
  namespace: string;
  name: string;
  type: string;
  headless: boolean;
  externalName: string;
  clusterIPs: string[];
  ports: { name: string; port: number; targetPort: string; nodePort: number; protocol: string }[];
  selector: Record<string, string>;
  endpoints: Endpoint[];
  dns: { name: string; record: string; to: string }[];
  created: string;
}

function conditions(e: Endpoint) {
  return (
    <>
      <span class={`cond ${e.ready ? 'ok' : 'bad'}`}>ready {e.ready ? 'yes' : 'no'}</span>
      <span class={`cond ${e.serving ? 'ok' : 'bad'}`}>serving {e.serving ? 'yes' : 'no'}</span>
      {e.terminating && <span class="cond warn">terminating</span>}
    </>
  );
}

export function ServicesPage({ namespace, onUnauthorized }: PageProps) {
  const view = useView<{ count: number; endpoints: number; clusterDomain: string }, ServiceRow>('services', namespace, onUnauthorized);
  const now = useNow(5000);
  const rows = [...view.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Services{namespace ? ` in ${namespace}` : ''}</h1>
      <ViewStatus state={view} />
      {view.summary && (
        <p class="muted">
          {view.summary.count} services, {view.summary.endpoints} endpoints; cluster domain <code>{view.summary.clusterDomain}</code>
        </p>
      )}
      {rows.map(([key, s]) => (
        <article key={key} class="service" data-service={key} aria-labelledby={`svc-${key}`}>
          <h2 id={`svc-${key}`}>
            {namespace ? '' : `${s.namespace}/`}
            {s.name} <span class="badge">{s.headless ? 'headless' : s.type}</span>
            <span class="muted age"> {age(s.created, now)}</span>
          </h2>
          <dl class="facts">
            <dt>{s.type === 'ExternalName' ? 'External name' : 'Cluster IPs'}</dt>
            <dd data-field="cluster-ip">{s.type === 'ExternalName' ? s.externalName : s.clusterIPs.join(', ') || '—'}</dd>
            <dt>Ports</dt>
            <dd data-field="ports">
              {s.ports.length
                ? s.ports
                    .map((p) => `${p.name ? `${p.name} ` : ''}${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol} → ${p.targetPort || p.port}`)
                    .join(', ')
                : '—'}
            </dd>
            <dt>Selector</dt>
            <dd data-field="selector">
              {Object.keys(s.selector).length ? (
                Object.entries(s.selector).map(([k, v]) => (
                  <code key={k} class="label">
                    {k}={v}
                  </code>
                ))
              ) : (
                <span class="muted">none (its endpoints are not chosen from pods)</span>
              )}
            </dd>
            <dt>DNS</dt>
            <dd data-field="dns">
              <ul class="dns">
                {s.dns.map((d) => (
                  <li key={d.record + d.name}>
                    <code>{d.name}</code> <span class="muted">{d.record} → {d.to}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
          {s.type !== 'ExternalName' && (
            <table class="endpoints">
              <caption class="muted" data-field="endpoint-count">
                {s.endpoints.length} endpoints ({s.endpoints.filter((e) => e.ready).length} ready)
              </caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Conditions</th>
                  <th scope="col">Pod</th>
                  <th scope="col">Node</th>
                  <th scope="col">Hostname</th>
                  <th scope="col">Ports</th>
                </tr>
              </thead>
              <tbody>
                {s.endpoints.map((e) => (
                  <tr key={e.addresses + (e.pod ?? '')} data-endpoint={e.pod ?? e.addresses}>
                    <th scope="row">{e.addresses}</th>
                    <td data-field="conditions">{conditions(e)}</td>
                    <td data-field="pod">{e.pod ? <a href={href('pod', s.namespace, { name: e.pod })}>{e.pod}</a> : '—'}</td>
                    <td>
                      {e.node || '—'}
                      {e.zone ? <span class="muted"> ({e.zone})</span> : null}
                    </td>
                    <td>{e.hostname || '—'}</td>
                    <td>{e.ports}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      ))}
    </section>
  );
}
