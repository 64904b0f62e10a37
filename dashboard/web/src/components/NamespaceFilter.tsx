// The namespace filter: a labelled select; '' = all namespaces. Its list comes from the
// "namespaces" view as a one-shot read (on load and whenever the select gets focus), so that a tab
// keeps a single live stream: the page's.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from '../api';

interface Props {
  namespace: string;
  onChange: (namespace: string) => void;
  onUnauthorized: () => void;
}

export function NamespaceFilter({ namespace, onChange, onUnauthorized }: Props) {
  const [names, setNames] = useState<string[]>([]);
  const refresh = useCallback(() => {
    getJson<{ items: Record<string, unknown> }>('/api/views/namespaces').then(
      (v) => setNames(Object.keys(v.items).sort()),
      (e: ApiError) => e.status === 401 && onUnauthorized(),
    );
  }, [onUnauthorized]);
  useEffect(refresh, [refresh]);
  const shown = namespace && !names.includes(namespace) ? [...names, namespace] : names;
  return (
    <label class="ns-filter">
      Namespace
      <select value={namespace} onFocus={refresh} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">All namespaces</option>
        {shown.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}
