// A confirmation for a state-changing action: a modal <dialog> naming the object and what will
// happen, with focus on Cancel (so Enter never acts by accident); Escape cancels. Children may
// hold inputs (scale's replicas); the confirm button is disabled while `busy`.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  /** Open while true; closing (Cancel, Escape) calls onCancel. */
  open: boolean;
  title: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
  busy?: boolean;
  children?: ComponentChildren;
}

export function ConfirmDialog({ open, title, confirmLabel, onConfirm, onCancel, danger, busy, children }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      cancel.current?.focus();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);

  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form
        method="dialog"
        noValidate /* the caller checks inputs and says why in words, rather than the browser's bubble */
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <h2 id="confirm-title">{title}</h2>
        <div class="confirm-body">{children}</div>
        <div class="confirm-buttons">
          <button type="button" ref={cancel} onClick={onCancel} data-action="cancel">
            Cancel
          </button>
          <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy} data-action="confirm" data-confirm>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
