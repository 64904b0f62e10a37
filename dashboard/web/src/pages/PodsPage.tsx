// The pods list, live (view "pods"): namespace, name, node, status, ready, restarts, age, conditions.
import { ViewStatus } from '../components/ViewStatus';
import { age } from '../format';
import { href, type PageProps } from '../routes';
import { useNow, useView } from '../useView';

interface PodRow {
  namespace: string;
  name: string;
  node: string;
  phase: string;
  status: string;
  ready: number;
  containers: number;
  restarts: number;
  created: string;
  conditions: { type: string; status: string }[];
}

export function PodsPage({ namespace, onUnauthorized }: PageProps) {
  const view = useView<{ count: number }, PodRow>('pods', namespace, onUnauthorized);
  const now = useNow(5000);
  const rows = [...view.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Pods{namespace ? ` in ${namespace}` : ''}</h1>
      <ViewStatus state={view} />
      <table class="pods">
        <caption class="muted">{view.summary ? `${view.summary.count} pods` : ''}</caption>
        <thead>
          <tr>
            {!namespace && <th scope="col">Namespace</th>}
            <th scope="col">Name</th>
            <th scope="col">Node</th>
            <th scope="col">Status</th>
            <th scope="col">Ready</th>
            <th scope="col">Restarts</th>
            <th scope="col">Age</th>
            <th scope="col">Conditions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([key, p]) => (
            <tr key={key} data-pod={key}>
              {!namespace && <td>{p.namespace}</td>}
              <th scope="row">
                <a href={href('pod', p.namespace, { name: p.name })}>{p.name}</a>
              </th>
              <td>{p.node || <span class="muted">not scheduled</span>}</td>
              <td data-field="status" class={`status-${p.status}`}>
                {p.status}
              </td>
              <td data-field="ready">
                {p.ready}/{p.containers}
              </td>
              <td>{p.restarts}</td>
              <td>{age(p.created, now)}</td>
              <td class="conditions">
                {p.conditions.map((c) => (
                  <span key={c.type} class={`cond ${c.status === 'True' ? 'ok' : 'bad'}`} title={`${c.type}=${c.status}`}>
                    {c.type}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
