// A confirmation before a state-changing action: a modal <dialog> naming the object and what will
// happen, with focus on Cancel (so Enter or Escape never acts by accident) and the action's button
// labelled with the action itself. The caller performs the action in onConfirm.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  /** Shown while true. */
  open: boolean;
  title: string;
  /** The button that acts, e.g. "Drain sim-node-1". */
  confirmLabel: string;
  /** A destructive action's button is red. */
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}

export function ConfirmDialog({ open, title, confirmLabel, danger, onConfirm, onCancel, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      cancel.current?.focus();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);
  return (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <h2 id="confirm-title">{title}</h2>
      <div class="confirm-body">{children}</div>
      <div class="confirm-buttons">
        <button type="button" ref={cancel} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" class={danger ? 'danger' : 'primary'} data-confirm onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
