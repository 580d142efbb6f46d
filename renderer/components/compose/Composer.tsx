import { type DragEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { ContactSuggestion } from '../../../shared/contract/contacts';
import type { ComposeInput, Identity } from '../../../shared/contract/outgoing';
import { HomingError } from '../../../shared/errors';
import { api } from '../../api/client';
import { attachmentSources, type ComposerAttachment, fileAttachment, readFileBase64, readPending, sizeWarning, wireBytes } from '../../compose/attachments';
import { Autosave, type SaveState } from '../../compose/autosave';
import { parkedCount, plainTextOf, textToEditorHtml, toOutput } from '../../compose/editor-html';
import type { ComposeSetup } from '../../compose/load-compose';
import { signatureHtmlOf, signatureTextOf } from '../../compose/load-compose';
import { describeError } from '../../mail/error-words';
import { Icon } from '../Icon';
import { AttachmentTray } from './AttachmentTray';
import { ComposeToolbar } from './ComposeToolbar';
import { type RecipientChip, RecipientField } from './RecipientField';
import { RichEditor, type RichEditorHandle } from './RichEditor';
import { SendLaterMenu } from './SendLaterMenu';

export interface ComposerProps {
  setup: ComposeSetup;
  allowRemote: boolean;
  /** Reloads the page allowing remote images (after the draft is saved). */
  onAllowRemote(draftId: number): void;
  /** The message left the composer (sent, scheduled or discarded): close the window. */
  onDone(outcome: 'sent' | 'scheduled' | 'discarded'): void;
  /** The draft got its id: the page's address names it, so a reload reopens it. */
  onDraftId(id: number): void;
}

interface Problem {
  title: string;
  detail?: string;
}

const validRecipients = (chips: RecipientChip[]) => chips.filter((c) => c.address !== null).map((c) => ({ name: c.name, address: c.address! }));

/**
 * The composer: From, To/Cc/Bcc, Subject, the text (rich or plain), attachments; autosaved as a draft
 * through the engine; sent (now, or later) into the outbox, which submits it after the undo delay.
 */
export function Composer({ setup, allowRemote, onAllowRemote, onDone, onDraftId }: ComposerProps) {
  const [accountId, setAccountId] = useState(setup.accountId);
  const [identityId, setIdentityId] = useState(setup.identityId);
  const [to, setTo] = useState(setup.to);
  const [cc, setCc] = useState(setup.cc);
  const [bcc, setBcc] = useState(setup.bcc);
  const [showCc, setShowCc] = useState(setup.cc.length > 0);
  const [showBcc, setShowBcc] = useState(setup.bcc.length > 0);
  const [subject, setSubject] = useState(setup.subject);
  const [format, setFormat] = useState(setup.format);
  const [plainText, setPlainText] = useState(setup.plainText);
  const [editorKey, setEditorKey] = useState(0);
  const [editorContent, setEditorContent] = useState(setup.editor);
  const [attachments, setAttachments] = useState<ComposerAttachment[]>(setup.attachments);
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'clean' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notices, setNotices] = useState<string[]>(setup.notices);
  const [parked, setParked] = useState(0);
  const [sending, setSending] = useState(false);
  const [confirm, setConfirm] = useState<null | 'discard' | 'plain'>(null);
  const [dragging, setDragging] = useState(false);

  const editorRef = useRef<RichEditorHandle>(null);
  const plainRef = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const draftId = useRef<number | null>(setup.draftId);
  const cidIds = useRef(new Map<string, string>());
  const identities = setup.identities;
  const identity = identities.find((i) => i.id === identityId);
  const account = setup.accounts.find((a) => a.id === accountId) ?? null;

  // What the composer holds now, as the contract describes a message. Read by saves and sends.
  const stateRef = useRef({ accountId, identityId, to, cc, bcc, subject, format, plainText, attachments });
  useEffect(() => {
    stateRef.current = { accountId, identityId, to, cc, bcc, subject, format, plainText, attachments };
  });

  const content = useCallback(async (): Promise<ComposeInput | null> => {
    const read = await readPending(stateRef.current.attachments);
    if (read.some((a, i) => a !== stateRef.current.attachments[i])) {
      stateRef.current.attachments = read;
      setAttachments((current) => current.map((a) => read.find((r) => r.key === a.key) ?? a));
    }
    const s = stateRef.current;
    if (!s.accountId) return null;
    let html: string | null = null;
    let text = s.plainText;
    const pictures: ComposeInput['attachments'] = [];
    if (s.format === 'html') {
      const out = toOutput(editorRef.current?.html() ?? '', cidIds.current);
      html = out.html;
      const root = editorRef.current?.root();
      text = root ? plainTextOf(root) : '';
      for (const image of out.images) pictures.push({ kind: 'data', filename: image.filename, contentType: image.contentType, base64: image.base64, contentId: image.contentId });
    }
    return {
      accountId: s.accountId,
      ...(s.identityId !== null ? { identityId: s.identityId } : {}),
      to: validRecipients(s.to),
      cc: validRecipients(s.cc),
      bcc: validRecipients(s.bcc),
      subject: s.subject,
      text,
      html,
      attachments: [...attachmentSources(read), ...pictures],
      responseTo: setup.responseTo,
    };
  }, [setup.responseTo]);

  // One autosave per composer window, made once it is mounted (its save reads the latest state through refs).
  const autosaveRef = useRef<Autosave | null>(null);
  const [hasDraft, setHasDraft] = useState(setup.draftId !== null);
  useEffect(() => {
    const autosave = new Autosave({
      save: async () => {
        const message = await content();
        if (!message) return;
        const draft = await api.saveDraft({ ...(draftId.current !== null ? { id: draftId.current } : {}), content: message });
        if (draftId.current !== draft.id) {
          draftId.current = draft.id;
          setHasDraft(true);
          onDraftId(draft.id);
        }
      },
      onState: setSaveState,
    });
    autosaveRef.current = autosave;
    return () => autosave.dispose();
    // The composer window's one autosave; `content` and `onDraftId` do not change over its life.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const changed = useCallback(() => autosaveRef.current?.changed(), []);
  /** Saves what is not saved yet; resolves at once before the autosave exists (nothing typed yet). */
  const flush = useCallback(() => autosaveRef.current?.flush() ?? Promise.resolve(), []);

  // Anything but the editor's own typing: the state changed, save it.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    changed();
  }, [accountId, identityId, to, cc, bcc, subject, format, plainText, attachments, changed]);

  // The contacts follow what was sent lately; refreshed once per window.
  useEffect(() => {
    api.refreshContacts({}).catch(() => undefined);
  }, []);
  const suggest = useCallback((prefix: string): Promise<ContactSuggestion[]> => api.searchContacts({ prefix, limit: 8 }), []);
  const forget = useCallback((address: string) => void api.forgetContact({ address }).catch(() => undefined), []);

  // Closing the window saves first; the browser asks while something is not saved yet.
  useEffect(() => {
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (!autosaveRef.current?.pending) return;
      void flush().catch(() => undefined);
      event.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, [flush]);

  // An answer already has its recipients: the cursor waits in the text, where loadContent put it (above the quote, or below it when the quote comes first).
  useEffect(() => {
    if (setup.to.length > 0 && setup.format === 'html') editorRef.current?.focus();
    else if (setup.to.length > 0) plainRef.current?.focus();
  }, [setup]);

  useEffect(() => {
    document.title = subject.trim() || (setup.responseTo ? 'Reply' : 'New message');
  }, [subject, setup.responseTo]);

  useEffect(() => {
    const root = editorRef.current?.root();
    if (root && format === 'html') setParked(parkedCount(root));
  }, [editorKey, format]);

  const addFiles = (files: File[]) => {
    if (files.length === 0) return;
    setAttachments((list) => [...list, ...files.map(fileAttachment)]);
  };
  const addPictures = async (files: File[]) => {
    for (const file of files) {
      try {
        const base64 = await readFileBase64(file);
        editorRef.current?.insertImage(`data:${file.type};base64,${base64}`);
      } catch (error) {
        setProblem({ title: (error as Error).message });
      }
    }
    changed();
  };

  const chooseIdentity = (next: Identity) => {
    const before = identity;
    setIdentityId(next.id);
    setAccountId(next.accountId);
    if (format === 'html') {
      const html = signatureHtmlOf(next);
      editorRef.current?.replaceSignature(html || null);
    } else {
      const old = signatureTextOf(before);
      const fresh = signatureTextOf(next);
      if (old && plainText.includes(`-- \n${old}`)) setPlainText((t) => t.replace(`-- \n${old}`, fresh ? `-- \n${fresh}` : ''));
      else if (!old && fresh) setPlainText((t) => `${t}\n\n-- \n${fresh}`);
    }
  };

  const switchFormat = async (next: 'html' | 'plain') => {
    setConfirm(null);
    try {
      await flush();
    } catch {
      // Not saved: the switch goes on; nothing is lost in this window, and autosave keeps retrying.
    }
    if (next === 'plain') {
      const root = editorRef.current?.root();
      setPlainText(root ? plainTextOf(root) : '');
      setFormat('plain');
    } else {
      setEditorContent({ html: textToEditorHtml(plainText), quote: null, quoteFirst: false, signatureAfterQuote: null });
      setEditorKey((k) => k + 1);
      setFormat('html');
    }
  };

  const check = (): Problem | null => {
    const all = [...to, ...cc, ...bcc];
    const invalid = all.filter((c) => c.address === null);
    if (invalid.length) return { title: `Not an e-mail address: ${invalid.map((c) => `“${c.raw}”`).join(', ')}`, detail: 'Fix or remove it, then send again.' };
    if (validRecipients(all).length === 0) return { title: 'Add at least one recipient.' };
    if (!accountId) return { title: 'No account can send mail yet.', detail: 'Add a mail account with an outgoing server in Settings.' };
    return null;
  };

  const send = async (when: { sendAt?: string } = {}) => {
    const found = check();
    if (found) {
      setProblem(found);
      return;
    }
    setSending(true);
    setProblem(null);
    try {
      // The draft is saved first: whatever happens next, nothing typed is lost.
      await flush();
      const unreadable = stateRef.current.attachments.filter((a) => a.kind === 'file' && a.error !== null);
      if (unreadable.length) {
        setProblem({ title: 'An attachment cannot be read.', detail: unreadable.map((a) => (a.kind === 'file' ? a.error : '')).join(' ') });
        return;
      }
      const message = await content();
      if (!message) return;
      await api.sendMessage({ content: message, ...(draftId.current !== null ? { draftId: draftId.current } : {}), ...(when.sendAt ? { sendAt: when.sendAt } : {}) });
      autosaveRef.current?.dispose();
      onDone(when.sendAt ? 'scheduled' : 'sent');
    } catch (error) {
      const described = describeError(error);
      setProblem({ title: described.title, ...(described.detail ? { detail: described.detail } : {}) });
    } finally {
      setSending(false);
    }
  };

  const discard = async () => {
    setConfirm(null);
    autosaveRef.current?.dispose();
    try {
      if (draftId.current !== null) await api.deleteDraft({ id: draftId.current });
      onDone('discarded');
    } catch (error) {
      const described = describeError(error);
      setProblem({ title: 'The draft could not be deleted.', ...(described.detail ? { detail: described.detail } : {}) });
    }
  };

  const allowRemoteNow = async () => {
    try {
      await flush();
      if (draftId.current === null) {
        changed();
        await flush();
      }
      if (draftId.current !== null) onAllowRemote(draftId.current);
    } catch (error) {
      setProblem({ title: 'The draft must be saved before remote images can be shown.', detail: describeError(error).title });
    }
  };

  const totalBytes = wireBytes(attachments.reduce((n, a) => n + a.size, 0) + (format === 'plain' ? plainText.length : 0));
  const warning = sizeWarning(totalBytes, account?.smtp?.sizeLimit ?? null);

  const onDrop = (event: DragEvent) => {
    setDragging(false);
    const files = Array.from(event.dataTransfer.files);
    if (!files.length) return;
    event.preventDefault();
    addFiles(files);
  };

  return (
    <main
      className={`composer ${dragging ? 'dragging' : ''}`}
      aria-label={document.title}
      onDragOver={(e) => {
        if (Array.from(e.dataTransfer.types).includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
          e.preventDefault();
          void send();
        }
      }}
    >
      <h1 className="visually-hidden">{setup.responseTo ? (setup.responseTo.kind === 'forward' ? 'Forward' : 'Reply') : 'New message'}</h1>
      <div className="compose-head">
        <div className="compose-row">
          <label className="compose-label" htmlFor="compose-from">
            From
          </label>
          <select
            id="compose-from"
            className="compose-from"
            value={identityId ?? ''}
            onChange={(e) => {
              const next = identities.find((i) => i.id === Number(e.target.value));
              if (next) chooseIdentity(next);
            }}
          >
            {identityId === null && <option value="">{account ? account.email : 'No account can send yet'}</option>}
            {setup.accounts.map((a) => (
              <optgroup key={a.id} label={a.name || a.email}>
                {identities
                  .filter((i) => i.accountId === a.id)
                  .map((i) => (
                    <option key={i.id} value={i.id}>
                      {i.name ? `${i.name} <${i.address}>` : i.address}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="compose-row">
          <RecipientField label="To" chips={to} onChange={setTo} suggest={suggest} onForget={forget} autoFocus={to.length === 0 && !setup.responseTo} />
          <span className="compose-row-buttons">
            {!showCc && (
              <button type="button" className="button small" onClick={() => setShowCc(true)}>
                Cc
              </button>
            )}
            {!showBcc && (
              <button type="button" className="button small" onClick={() => setShowBcc(true)}>
                Bcc
              </button>
            )}
          </span>
        </div>
        {showCc && (
          <div className="compose-row">
            <RecipientField label="Cc" chips={cc} onChange={setCc} suggest={suggest} onForget={forget} />
          </div>
        )}
        {showBcc && (
          <div className="compose-row">
            <RecipientField label="Bcc" chips={bcc} onChange={setBcc} suggest={suggest} onForget={forget} />
          </div>
        )}
        <div className="compose-row">
          <label className="compose-label" htmlFor="compose-subject">
            Subject
          </label>
          <input id="compose-subject" className="compose-subject" type="text" value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={2000} />
        </div>
      </div>

      <ComposeToolbar
        format={format}
        editor={editorRef}
        onPlain={() => setConfirm('plain')}
        onRich={() => void switchFormat('html')}
        onAttach={() => fileInput.current?.click()}
      />

      {problem && (
        <div className="banner error" role="alert">
          <Icon name="alert" size={16} />
          <span className="banner-text">
            <strong>{problem.title}</strong> {problem.detail}
          </span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setProblem(null)}>
            <Icon name="x" size={12} />
          </button>
        </div>
      )}
      {notices.map((notice) => (
        <div key={notice} className="banner info" role="status">
          <Icon name="info" size={16} />
          <span className="banner-text">{notice}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotices((n) => n.filter((x) => x !== notice))}>
            <Icon name="x" size={12} />
          </button>
        </div>
      ))}
      {format === 'html' && parked > 0 && !allowRemote && (
        <div className="banner remote" role="status">
          <Icon name="image" size={16} />
          <span className="banner-text">
            {parked === 1 ? 'One remote image' : `${parked} remote images`} in the quoted message {parked === 1 ? 'is' : 'are'} not loaded, so the sender cannot see that you opened it.
          </span>
          <button type="button" className="button small" onClick={() => void allowRemoteNow()}>
            Load images
          </button>
        </div>
      )}

      <div className="compose-body">
        {format === 'html' ? (
          <RichEditor
            key={editorKey}
            ref={editorRef}
            initial={editorContent}
            allowRemote={allowRemote}
            cidUrls={setup.cidUrls}
            label="Message text"
            onChange={changed}
            onLargePaste={(chars) => {
              void flush().catch(() => undefined);
              setNotices((n) => [
                ...n.filter((x) => !x.startsWith('The pasted')),
                `The pasted content carried ${(chars / 1_000_000).toFixed(1)} MB of formatting; it was pasted as plain text so that the editor stays responsive.`,
              ]);
            }}
            onPictures={(files) => void addPictures(files)}
          />
        ) : (
          <textarea
            ref={(element) => {
              plainRef.current = element;
              if (element && !element.dataset.placed) {
                element.dataset.placed = '1';
                element.setSelectionRange(setup.plainCursor, setup.plainCursor);
              }
            }}
            className="plain-editor"
            aria-label="Message text"
            data-testid="compose-plain"
            spellCheck
            value={plainText}
            onChange={(e) => setPlainText(e.target.value)}
          />
        )}
      </div>

      <AttachmentTray attachments={attachments} warning={warning} onRemove={(key) => setAttachments((list) => list.filter((a) => a.key !== key))} />
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          addFiles(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />

      <footer className="compose-foot">
        <button type="button" className="button primary" disabled={sending} onClick={() => void send()} title="Send (Ctrl+Enter)">
          <Icon name="send" size={14} /> Send
        </button>
        <SendLaterMenu disabled={sending} onPick={(sendAt) => void send({ sendAt })} />
        <SaveStatus state={saveState} />
        <span className="toolbar-spacer" />
        <button type="button" className="button danger-quiet" onClick={() => setConfirm('discard')}>
          <Icon name="trash" size={14} /> Discard
        </button>
      </footer>

      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <Icon name="paperclip" size={28} /> Drop files to attach them
        </div>
      )}
      {confirm === 'discard' && (
        <ConfirmBar
          text={hasDraft ? 'Discard this message? Its saved draft is deleted too.' : 'Discard this message?'}
          confirmLabel="Discard"
          danger
          onConfirm={() => void discard()}
          onCancel={() => setConfirm(null)}
        />
      )}
      {confirm === 'plain' && (
        <ConfirmBar
          text="Switch to plain text? Formatting, pictures in the text and the quoted message’s layout are removed."
          confirmLabel="Switch to plain text"
          onConfirm={() => void switchFormat('plain')}
          onCancel={() => setConfirm(null)}
        />
      )}
    </main>
  );
}

function SaveStatus({ state }: { state: SaveState }) {
  let text = '';
  if (state.kind === 'saving') text = 'Saving…';
  else if (state.kind === 'saved') text = 'Saved';
  else if (state.kind === 'unsaved') text = '';
  else if (state.kind === 'failed') {
    const code = state.error instanceof HomingError ? state.error.code : null;
    text = `Not saved: ${describeError(state.error).title}${code === 'CONNECTION_LOST' ? '' : ` · trying again in ${Math.round(state.retryInMs / 1000)} s`}`;
  }
  return (
    <span className={`save-status ${state.kind}`} role="status" aria-live="polite" data-testid="save-status">
      {state.kind === 'saved' && <Icon name="check" size={13} />}
      {text}
    </span>
  );
}

function ConfirmBar(props: { text: string; confirmLabel: string; danger?: boolean; onConfirm(): void; onCancel(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, []);
  return (
    <div
      ref={ref}
      className="confirm-bar"
      role="alertdialog"
      aria-label={props.text}
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onCancel();
      }}
    >
      <span>{props.text}</span>
      <button type="button" className={`button ${props.danger ? 'danger' : 'primary'}`} onClick={props.onConfirm}>
        {props.confirmLabel}
      </button>
      <button type="button" className="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
