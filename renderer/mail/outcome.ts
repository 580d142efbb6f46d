/**
 * What an action did, told in the toast: its words, and the way back when there is one. `undo` is null
 * when the action cannot be taken back from here (yet): the toast then only tells.
 */
export interface Outcome {
  message: string;
  undo: (() => Promise<void>) | null;
}

/** "3 messages" / "the message": how outcomes count what they acted on. */
export const messagesWord = (count: number) => (count === 1 ? 'the message' : `${count.toLocaleString('en-US')} messages`);
