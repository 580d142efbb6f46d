import type { ReadingNote } from './contract/messages';

/** Whether the note is of a split message all of whose parts are stored (assembleMessage can put it together). */
export function allPartsHere(note: ReadingNote): boolean {
  return note.kind === 'partial' && note.total !== null && note.stored >= note.total;
}

/** A reading note in words, for the reader and `homing show` alike. */
export function readingNoteWords(note: ReadingNote): string {
  switch (note.kind) {
    case 'not-base64':
      return 'This message’s text is labelled as base64-encoded but is not, so it is shown as it arrived.';
    case 'partial': {
      const part = note.total !== null ? `Part ${note.number} of ${note.total}` : `Part ${note.number}`;
      const here = note.total !== null && note.stored >= note.total ? `All ${note.total} parts are here.` : `${note.stored} of ${note.total ?? 'its'} parts are here.`;
      return `${part} of a message that was split for sending. ${here}`;
    }
  }
}
