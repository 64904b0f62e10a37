// CPU and memory usage of a pod's containers over the last minutes (GET /api/pod-metrics,
// Server-Sent Events from metrics.k8s.io PodMetrics, polled by the dashboard only while this is
// shown), one chart per container and resource with its request and limit.
import { useEffect, useState } from 'preact/hooks';
import { cpu, memory } from '../format';
import { UsageChart, type Point } from './UsageChart';

interface Sample {
  timestamp: string;
  containers: Record<string, { cpu: number; memory: number }>;
}

interface Container {
  name: string;
  kind: string;
  requests: Record<string, string>;
  limits: Record<string, string>;
}

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** A Kubernetes quantity ("100m", "64Mi", "1e3") as a number of base units; undefined when absent or unreadable. */
export function quantity(q: string | undefined): number | undefined {
  if (!q) return undefined;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !(m[2] in SUFFIX)) return undefined;
  return parseFloat(m[1]) * SUFFIX[m[2]];
}

const WINDOW_MS = 15 * 60 * 1000;

export function PodResourceCharts({ namespace, pod, containers }: { namespace: string; pod: string; containers: Container[] }) {
  const [samples, setSamples] = useState<Sample[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let kept: Sample[] = [];
    const source = new EventSource(`/api/pod-metrics?${new URLSearchParams({ namespace, name: pod })}`);
    const keep = (add: Sample[]) => {
      const cutoff = Date.now() - WINDOW_MS;
      kept = [...kept, ...add].filter((s) => Date.parse(s.timestamp) >= cutoff);
      setSamples(kept);
      setProblem(null);
    };
    source.addEventListener('history', (e) => {
      kept = [];
      keep(JSON.parse((e as MessageEvent).data).samples);
    });
    source.addEventListener('sample', (e) => keep([JSON.parse((e as MessageEvent).data)]));
    source.addEventListener('problem', (e) => {
      const p = JSON.parse((e as MessageEvent).data) as { kind: string; message: string };
      setProblem(p.message.charAt(0).toUpperCase() + p.message.slice(1));
    });
    return () => source.close();
  }, [namespace, pod]);

  const running = containers.filter((c) => c.kind !== 'init');
  return (
    <div class="usage" data-field="metrics">
      {problem && (
        <p class="muted" role="status" data-field="metrics-problem">
          {problem}
        </p>
      )}
      {!problem && samples.length === 0 && <p class="muted">Waiting for the first usage sample…</p>}
      {samples.length > 0 && (
        <div class="usage-grid">
          {running.map((c) => {
            const series = (pick: (u: { cpu: number; memory: number }) => number): Point[] =>
              samples
                .filter((s) => s.containers[c.name])
                .map((s) => ({ t: Date.parse(s.timestamp), v: pick(s.containers[c.name]) }));
            const cpuReq = quantity(c.requests.cpu);
            const cpuLim = quantity(c.limits.cpu);
            const memReq = quantity(c.requests.memory);
            const memLim = quantity(c.limits.memory);
            return (
              <div key={c.name} class="usage-container" data-usage-container={c.name}>
                <h3>{c.name}</h3>
                <UsageChart
                  label="CPU"
                  points={series((u) => u.cpu)}
                  request={cpuReq === undefined ? undefined : cpuReq * 1000}
                  limit={cpuLim === undefined ? undefined : cpuLim * 1000}
                  format={(v) => cpu(Math.round(v))}
                />
                <UsageChart label="Memory" points={series((u) => u.memory)} request={memReq} limit={memLim} format={(v) => memory(v)} />
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
