/**
 * A modal confirmation (native <dialog>: focus is trapped inside it while open, Escape cancels, and
 * focus returns to the button that opened it). Used before anything replaces the learner's code.
 */
import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
}

export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const el = dialog.current!;
    if (!el.open) el.showModal();
    cancelButton.current?.focus();
    const onCancel = () => onClose();
    el.addEventListener('close', onCancel);
    return () => {
      el.removeEventListener('close', onCancel);
      opener?.focus?.();
    };
  }, [request]);

  const close = (confirmed: boolean) => {
    if (confirmed) request.onConfirm();
    dialog.current?.close();
  };

  return (
    <dialog ref={dialog} class="exercise-dialog" aria-labelledby="exercise-dialog-title" aria-describedby="exercise-dialog-body">
      <h3 id="exercise-dialog-title">{request.title}</h3>
      <p id="exercise-dialog-body">{request.body}</p>
      <div class="exercise-dialog-buttons">
        <button ref={cancelButton} type="button" class="exercise-button" onClick={() => close(false)}>
          Cancel
        </button>
        <button type="button" class="exercise-button exercise-button--danger" onClick={() => close(true)}>
          {request.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
