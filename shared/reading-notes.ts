import type { ReadingNote } from './contract/messages';

/** A reading note in words, for the reader and `homing show` alike. */
export function readingNoteWords(note: ReadingNote): string {
  switch (note.kind) {
    case 'not-base64':
      return 'This message’s text is labelled as base64-encoded but is not, so it is shown as it arrived.';
    case 'partial':
      return note.total !== null
        ? `Part ${note.number} of ${note.total} of a message that was split for sending.`
        : `Part ${note.number} of a message that was split for sending.`;
  }
}
