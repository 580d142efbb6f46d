import { memo, type ReactNode, type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MessageDetail } from '../../shared/contract/messages';
import { api } from '../api/client';
import { useInlineImages } from '../hooks/useInlineImages';
import { useMessage } from '../hooks/useMessage';
import { useMessageSource } from '../hooks/useMessageSource';
import { useThread } from '../hooks/useThread';
import { allPartsHere, readingNoteWords } from '../../shared/reading-notes';
import { displayText, SUBJECT_DISPLAY_MAX } from '../mail/display-text';
import { errorSentence } from '../mail/error-words';
import { formatSize, plural } from '../mail/format';
import type { Printable } from '../mail/print-document';
import { AttachmentList } from './AttachmentList';
import { ConversationStrip } from './ConversationStrip';
import { Icon } from './Icon';
import { type FrameContent, MessageFrame } from './MessageFrame';
import { ReaderHeader } from './ReaderHeader';
import { RefusedChangeNotice } from './RefusedChangeNotice';
import { RemoteContentBar } from './RemoteContentBar';

export type BodyView = 'html' | 'text' | 'source';

export interface ReaderProps {
  /** The list's focused message, or null. */
  focusId: number | null;
  selectedCount: number;
  bodyView: BodyView;
  onBodyView(view: BodyView): void;
  conversationOpen: boolean;
  onToggleConversation(): void;
  dark: boolean;
  onError(error: unknown): void;
  /** Reply, Reply all, Forward for the message shown (which a conversation pick may make another than the list's focus). */
  answerBar?(message: MessageDetail): ReactNode;
  /** Where the reader publishes the message it shows, as it shows it, for printing. */
  printableRef: RefObject<Printable | null>;
}

export const READER_HEADING_ID = 'reader-subject';

/** The reader pane: headers, conversation, remote-content bar, the sandboxed body, attachments. */
export const Reader = memo(function Reader(props: ReaderProps) {
  // A message picked in the conversation strip replaces the list's focus until the focus moves.
  // (Until it moves at all: coming back to the same message later shows that message, not the old pick.)
  const [picked, setPicked] = useState<{ forFocus: number | null; id: number } | null>(null);
  if (picked !== null && picked.forFocus !== props.focusId) setPicked(null);
  // The strip goes with the message while the picked one loads: its entry takes the focus again once, then.
  const focusPick = useRef<number | null>(null);
  const claimFocus = useCallback((id: number) => {
    if (focusPick.current !== id) return false;
    focusPick.current = null;
    return true;
  }, []);
  const shownId = picked && picked.forFocus === props.focusId ? picked.id : props.focusId;
  const state = useMessage(props.selectedCount > 1 ? null : shownId);

  if (props.selectedCount > 1) {
    return (
      <div className="reader-empty">
        <Icon name="envelope" size={40} />
        <p className="reader-empty-title">{plural(props.selectedCount, 'message')} selected</p>
        <p className="muted">Use the toolbar or the keyboard to act on all of them.</p>
      </div>
    );
  }
  if (shownId === null || state.status === 'idle') {
    return (
      <div className="reader-empty">
        <Icon name="envelope" size={40} />
        <p className="reader-empty-title">No message selected</p>
        <p className="muted">
          Choose a message to read it. Press <kbd>?</kbd> for keyboard shortcuts.
        </p>
      </div>
    );
  }
  if (state.status === 'loading') return <div className="reader-empty" aria-busy="true" />;
  if (state.status === 'failed') {
    return (
      <div className="reader-empty" role="alert">
        <Icon name="alert" size={32} />
        <p className="reader-empty-title">This message could not be opened</p>
        <p className="muted">{errorSentence(state.error)}</p>
      </div>
    );
  }
  return (
    <LoadedMessage
      key={state.message.id}
      message={state.message}
      {...props}
      claimFocus={claimFocus}
      onPick={(id) => {
        focusPick.current = id;
        setPicked({ forFocus: props.focusId, id });
      }}
    />
  );
});

function LoadedMessage(props: ReaderProps & { message: MessageDetail; claimFocus(id: number): boolean; onPick(id: number): void }) {
  const { message, bodyView } = props;
  const [loadRemote, setLoadRemote] = useState(false);
  const [blocked, setBlocked] = useState(0);
  const [completing, setCompleting] = useState(false);
  const thread = useThread(props.conversationOpen && message.threadCount > 1 ? message.threadId : null);
  const inlineImages = useInlineImages(message);
  // Unparsable mail is shown as its source: the raw bytes are all there is.
  const view: BodyView = message.parseStatus === 'failed' ? 'source' : bodyView === 'html' && message.html === null ? 'text' : bodyView;
  const source = useMessageSource(view === 'source' ? message.id : null);
  const allowRemote = loadRemote || message.remoteContentAllowed;

  const content: FrameContent | null = useMemo(() => {
    if (view === 'source') return source?.status === 'ready' ? { kind: 'source', text: source.text } : null;
    if (view === 'html' && message.html !== null) {
      return inlineImages ? { kind: 'html', html: message.html, allowRemote, inlineImages } : null;
    }
    return { kind: 'text', text: message.text ?? '' };
  }, [view, source, message.html, message.text, allowRemote, inlineImages]);

  const onRemoteBlocked = useCallback((count: number) => setBlocked(count), []);
  const { printableRef } = props;
  useEffect(() => {
    const shown = content ? { message, content } : null;
    printableRef.current = shown;
    return () => {
      if (printableRef.current === shown) printableRef.current = null;
    };
  }, [printableRef, message, content]);

  const alwaysForSender = async () => {
    const address = message.from?.address;
    if (!address) return;
    setLoadRemote(true);
    try {
      await api.allowRemoteContent({ address, allow: true });
    } catch (error) {
      props.onError(error);
    }
  };

  const [assembling, setAssembling] = useState(false);
  const [assembled, setAssembled] = useState(false);
  const assemble = async () => {
    setAssembling(true);
    try {
      await api.assembleMessage({ id: message.id });
      setAssembled(true);
    } catch (error) {
      props.onError(error);
    } finally {
      setAssembling(false);
    }
  };

  const complete = async () => {
    setCompleting(true);
    try {
      await api.completeMessage({ id: message.id });
    } catch (error) {
      props.onError(error);
    } finally {
      setCompleting(false);
    }
  };

  const files = message.attachmentList.filter((a) => !a.inline || !a.contentId || view !== 'html');

  return (
    <article className="reader-message" aria-labelledby={READER_HEADING_ID}>
      <div className="reader-top">
        <ReaderHeader message={message} headingId={READER_HEADING_ID} actions={props.answerBar?.(message)} />
      </div>
      {message.pendingState === 'refused' && <RefusedChangeNotice messageId={message.id} accountId={message.accountId} onError={props.onError} />}
      {message.parseStatus === 'failed' && (
        <p className="reader-notice warning" role="status">
          <Icon name="alert" size={14} /> This message’s structure could not be read, so its original source is shown. Nothing was lost.
        </p>
      )}
      {message.readingNotes.map((note) => (
        <p key={note.kind} className="reader-notice info" role="status">
          <Icon name="info" size={14} /> {readingNoteWords(note)}
          {allPartsHere(note) &&
            (assembled ? (
              <> The whole message is stored as a new message.</>
            ) : (
              <button type="button" className="button small" onClick={() => void assemble()} disabled={assembling}>
                {assembling ? 'Putting together…' : 'Put the parts together'}
              </button>
            ))}
        </p>
      ))}
      {message.bodyStatus !== 'full' && (
        <p className="reader-notice info" role="status">
          <Icon name="info" size={14} />
          {message.bodyStatus === 'headers' ? 'Only the headers of this message are stored on this computer.' : 'Only the beginning of this message is stored on this computer.'}
          <button type="button" className="button small" onClick={() => void complete()} disabled={completing}>
            {completing ? 'Downloading…' : `Download the rest (${formatSize(message.size)})`}
          </button>
        </p>
      )}
      {message.threadCount > 1 && message.threadId !== null && (
        <ConversationStrip
          messages={thread}
          count={message.threadCount}
          shownId={message.id}
          open={props.conversationOpen}
          onToggle={props.onToggleConversation}
          onShow={props.onPick}
          claimFocus={props.claimFocus}
        />
      )}
      {view === 'html' && !allowRemote && blocked > 0 && (
        <RemoteContentBar
          blocked={blocked}
          sender={message.from?.address ?? null}
          onLoadOnce={() => setLoadRemote(true)}
          onAlwaysForSender={() => void alwaysForSender()}
        />
      )}
      {message.undelivered.length > 0 && (
        <p className="reader-notice error" data-testid="undelivered">
          Not delivered to {message.undelivered.map((r) => `${r.address} (${r.response})`).join('; ')}.
        </p>
      )}
      {files.length > 0 && <AttachmentList messageId={message.id} attachments={files} onError={props.onError} />}
      {view === 'source' && source?.status === 'ready' && source.truncated && (
        <p className="reader-notice info">The source is long; only its first 2 MB are shown.</p>
      )}
      {view === 'source' && source?.status === 'failed' && (
        <p className="reader-notice error" role="alert">
          {errorSentence(source.error)}
        </p>
      )}
      <div className="reader-body">
        {content ? (
          <MessageFrame content={content} dark={props.dark} title={`Message: ${displayText(message.subject, SUBJECT_DISPLAY_MAX) || '(no subject)'}`} onRemoteBlocked={onRemoteBlocked} />
        ) : (
          <div className="reader-body-loading" aria-busy="true" />
        )}
      </div>
    </article>
  );
}
