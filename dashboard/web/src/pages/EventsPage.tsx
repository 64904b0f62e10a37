// The events stream (view "events"): core/v1 Events, newest first, live, bounded; namespace filter
// from the top bar and a type filter; the involved object linked (pods to their detail page).
import { useState } from 'preact/hooks';
import { ViewStatus } from '../components/ViewStatus';
import { age } from '../format';
import { href, type PageProps } from '../routes';
import { useNow, useView } from '../useView';

export interface EventRow {
  namespace: string;
  name: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  first: string;
  last: string;
  source: string;
  object: { kind: string; namespace: string; name: string; fieldPath: string };
}

interface Summary {
  matched: number;
  limit: number;
  type: string;
  error?: string;
}

function objectLink(o: EventRow['object'], eventNamespace: string) {
  const ns = o.namespace || eventNamespace;
  const text = `${o.kind}/${o.name}`;
  if (o.kind === 'Pod' && ns) return <a href={href('pod', ns, { name: o.name })}>{text}</a>;
  if (o.kind === 'Service' && ns) return <a href={href('services', ns)}>{text}</a>;
  if (o.kind === 'Node') return <a href={href('overview', '')}>{text}</a>;
  return <span>{text}</span>;
}

/** Events as a table, newest first (rows as the views send them: [key, row]). */
export function EventsTable({
  rows,
  now,
  namespace,
  showObject,
  empty,
}: {
  rows: [string, EventRow][];
  now: number;
  namespace: string;
  showObject: boolean;
  empty: string;
}) {
  const sorted = [...rows].sort(([ka, a], [kb, b]) => {
    const d = Date.parse(b.last || '0') - Date.parse(a.last || '0');
    return d !== 0 && !Number.isNaN(d) ? d : ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  if (!sorted.length) return <p class="muted">{empty}</p>;
  return (
    <table class="events">
      <thead>
        <tr>
          {showObject && !namespace && <th scope="col">Namespace</th>}
          <th scope="col">Type</th>
          <th scope="col">Reason</th>
          {showObject && <th scope="col">Object</th>}
          <th scope="col">Last seen</th>
          <th scope="col">Count</th>
          <th scope="col">Message</th>
          <th scope="col">From</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map(([key, e]) => (
          <tr key={key} data-event={key} data-type={e.type} data-reason={e.reason}>
            {showObject && !namespace && <td>{e.namespace}</td>}
            <td data-field="type" class={e.type === 'Warning' ? 'warn' : 'muted'}>
              {e.type}
            </td>
            <th scope="row" data-field="reason">
              {e.reason}
            </th>
            {showObject && <td data-field="object">{objectLink(e.object, e.namespace)}</td>}
            <td>
              <time dateTime={e.last} title={e.last}>
                {age(e.last, now)}
              </time>
            </td>
            <td data-field="count">{e.count}</td>
            <td data-field="message" class="message">
              {e.message}
              {e.object.fieldPath ? <span class="muted"> ({e.object.fieldPath})</span> : null}
            </td>
            <td class="muted">{e.source}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EventsPage({ namespace, onUnauthorized }: PageProps) {
  const [type, setType] = useState('');
  const view = useView<Summary, EventRow>('events', namespace, onUnauthorized, type ? { type } : {});
  const now = useNow(5000);
  const s = view.summary;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Events{namespace ? ` in ${namespace}` : ''}</h1>
      <div class="filters">
        <label for="event-type">Type</label>
        <select id="event-type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
          <option value="">All</option>
          <option value="Warning">Warning</option>
          <option value="Normal">Normal</option>
        </select>
        <span class="muted" data-field="event-count">
          {s ? (s.matched > s.limit ? `newest ${s.limit} of ${s.matched} events` : `${s.matched} events`) : ''}
        </span>
      </div>
      <ViewStatus state={view} />
      {s?.error && (
        <p role="alert" class="bad">
          {s.error}
        </p>
      )}
      <EventsTable rows={[...view.rows.entries()]} now={now} namespace={namespace} showObject empty="No events." />
    </section>
  );
}
