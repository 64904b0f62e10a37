// A live tail of one container's log (GET /api/logs, Server-Sent Events): the dashboard follows the
// API server's pod log endpoint with the user's credential while this is shown. Container picker,
// previous-instance toggle, bounded to the last MAX_LINES lines.
import { useEffect, useRef, useState } from 'preact/hooks';

const MAX_LINES = 1000;
const TAIL_LINES = 100;

interface Props {
  namespace: string;
  pod: string;
  /** Container names, init containers first (as kubectl lists them). */
  containers: { name: string; kind: string }[];
}

export function PodLogTail({ namespace, pod, containers }: Props) {
  const firstApp = containers.find((c) => c.kind === 'app')?.name ?? containers[0]?.name ?? '';
  const [container, setContainer] = useState(firstApp);
  const [previous, setPrevious] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const [status, setStatus] = useState('Connecting…');
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0); // Retry after a refusal (e.g. the container had not started)
  const box = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  useEffect(() => {
    if (!container) return;
    let kept: string[] = [];
    setLines([]);
    setFailed(false);
    setStatus('Connecting…');
    const params = new URLSearchParams({ namespace, name: pod, container, tailLines: String(TAIL_LINES) });
    if (previous) params.set('previous', 'true');
    const source = new EventSource(`/api/logs?${params}`);
    source.onopen = () => {
      kept = []; // a reconnect starts again from the tail
      setLines(kept);
      setStatus(previous ? 'Previous instance' : 'Following');
    };
    source.addEventListener('lines', (e) => {
      const d = JSON.parse((e as MessageEvent).data) as { lines: string[]; skipped: number };
      const add = d.skipped > 0 ? [`… ${d.skipped} lines skipped (the page fell behind) …`, ...d.lines] : d.lines;
      kept = [...kept, ...add].slice(-MAX_LINES);
      setLines(kept);
    });
    source.addEventListener('failed', (e) => {
      source.close();
      setFailed(true);
      setStatus(JSON.parse((e as MessageEvent).data).message);
    });
    source.addEventListener('end', () => {
      source.close();
      setStatus(previous ? 'End of the previous instance’s log' : 'The container stopped; the log ended');
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        setFailed(true);
        setStatus('The log stream was refused or closed; reload the page');
      } else {
        setStatus('Reconnecting…');
      }
    };
    return () => source.close();
  }, [namespace, pod, container, previous, attempt]);

  useEffect(() => {
    const b = box.current;
    if (b && stick.current) b.scrollTop = b.scrollHeight;
  }, [lines]);

  return (
    <div class="log-tail">
      <div class="log-controls">
        <label for="log-container">Container</label>
        <select id="log-container" value={container} onChange={(e) => setContainer((e.target as HTMLSelectElement).value)}>
          {containers.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
              {c.kind !== 'app' ? ` (${c.kind})` : ''}
            </option>
          ))}
        </select>
        <label class="check">
          <input type="checkbox" id="log-previous" checked={previous} onChange={(e) => setPrevious((e.target as HTMLInputElement).checked)} />
          Previous instance
        </label>
        <span class={`log-status ${failed ? 'bad' : 'muted'}`} role={failed ? 'alert' : 'status'} data-field="log-status">
          {status}
        </span>
        {failed && (
          <button type="button" class="secondary" onClick={() => setAttempt((a) => a + 1)}>
            Retry
          </button>
        )}
      </div>
      <pre
        id="log-lines"
        class="log-lines"
        ref={box}
        tabIndex={0}
        aria-label={`Log of container ${container}`}
        onScroll={(e) => {
          const b = e.currentTarget as HTMLPreElement;
          stick.current = b.scrollHeight - b.scrollTop - b.clientHeight < 24;
        }}
      >
        {lines.length ? lines.join('\n') : <span class="muted">No lines yet.</span>}
      </pre>
    </div>
  );
}
