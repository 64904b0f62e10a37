// Apply a manifest: YAML or JSON, one or more documents, each server-side applied by the backend
// action "apply" (field manager kubelite-dashboard, conflicts not forced), with a server dry run
// button. The result lists one line per object, as kubectl apply --server-side prints them.
import { useRef, useState } from 'preact/hooks';
import { act, ApiError } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { href, type PageProps } from '../routes';

export function ApplyPage({ namespace, onUnauthorized }: PageProps) {
  const [text, setText] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const target = namespace || 'default';

  const run = (dryRun: boolean) => {
    setBusy(true);
    setResult(null);
    act('apply', { yaml: text, namespace, dryRun }).then(
      (r) => setResult({ ok: true, text: r.message }),
      (e: ApiError) => {
        if (e.status === 401) onUnauthorized();
        setResult({ ok: false, text: e.message });
      },
    ).finally(() => {
      setBusy(false);
      setConfirming(false);
    });
  };

  const documents = text.split(/^---\s*$/m).filter((d) => d.trim() && !/^(\s*#.*\n?)*\s*$/.test(d)).length;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Apply a manifest</h1>
      <p class="muted">
        Each object is server-side applied as field manager <code>kubelite-dashboard</code> (as <code>kubectl apply --server-side</code>),
        objects without a namespace go to <strong>{target}</strong>. Every object is checked with a server dry run first: if one is
        refused, nothing is applied. Fields another manager owns are not taken over: the conflict is shown.
      </p>
      <form
        class="apply-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) setConfirming(true);
          else setResult({ ok: false, text: 'the manifest is empty' });
        }}
      >
        <label for="manifest">Manifest (YAML or JSON; separate documents with ---)</label>
        <textarea
          id="manifest"
          rows={18}
          spellcheck={false}
          value={text}
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        />
        <div class="apply-buttons">
          <label for="manifest-file">Load from a file</label>{' '}
          <input
            id="manifest-file"
            ref={fileInput}
            type="file"
            accept=".yaml,.yml,.json,text/yaml,application/json"
            onChange={() => {
              const f = fileInput.current?.files?.[0];
              if (f) f.text().then(setText);
            }}
          />
          <button type="button" id="dry-run" disabled={busy || !text.trim()} onClick={() => run(true)}>
            Dry run
          </button>
          <button type="submit" id="apply" class="primary" disabled={busy}>
            Apply…
          </button>
        </div>
      </form>
      {result && (
        <pre id="apply-result" class={result.ok ? 'apply-result ok-notice' : 'apply-result error-notice'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </pre>
      )}
      <p>
        <a href={href('workloads', namespace)}>Back to workloads</a>
      </p>
      <ConfirmDialog
        open={confirming}
        busy={busy}
        title={`Apply ${documents} document${documents === 1 ? '' : 's'}?`}
        confirmLabel="Apply"
        onConfirm={() => run(false)}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Server-side apply the manifest as <code>kubelite-dashboard</code>; objects without a namespace go to <strong>{target}</strong>.
        </p>
      </ConfirmDialog>
    </section>
  );
}
