import { type ReactNode, useEffect, useRef } from 'react';

export interface ModalProps {
  title: string;
  /** Visible heading; when false the title only names the dialog for assistive technology. */
  showTitle?: boolean;
  className?: string;
  onClose(): void;
  children: ReactNode;
  /** Element to focus when the dialog opens (default: the first focusable inside). */
  initialFocus?: string;
}

/**
 * A modal built on the native <dialog> (showModal): the page behind becomes inert, focus is trapped and
 * returns where it was on close, Escape closes. Nothing to re-implement, nothing to get wrong.
 */
export function Modal({ title, showTitle = true, className, onClose, children, initialFocus }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  });
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnTo = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    if (initialFocus) dialog.querySelector<HTMLElement>(initialFocus)?.focus();
    const cancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    // Escape is handled here rather than left to the browser's close request: Chromium skips the cancel
    // event (and closes the dialog outright) when there was no user activation since the last one, so a
    // dialog that asks before closing (unsaved settings) would vanish without asking.
    const escape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    dialog.addEventListener('keydown', escape);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      dialog.removeEventListener('keydown', escape);
      if (dialog.open) dialog.close();
      returnTo?.focus?.();
    };
    // Opened once per mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const titleId = `dialog-title-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-labelledby={titleId}
      onMouseDown={(event) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        if (event.target === ref.current) {
          const box = ref.current.getBoundingClientRect();
          const outside = event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom;
          if (outside) onClose();
        }
      }}
    >
      <h2 id={titleId} className={showTitle ? 'modal-title' : 'visually-hidden'}>
        {title}
      </h2>
      {children}
    </dialog>
  );
}
