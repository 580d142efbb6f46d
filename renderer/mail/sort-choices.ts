import { type MessageSort, sortSchema } from '../../shared/contract/messages';

/** The list's orders as the sort menu offers them: by what, then which way, in the user's words. */
export const sortChoices: ReadonlyArray<{ group: string; options: ReadonlyArray<{ sort: MessageSort; label: string }> }> = [
  { group: 'Date', options: [{ sort: 'date-desc', label: 'Newest first' }, { sort: 'date-asc', label: 'Oldest first' }] },
  { group: 'Sender', options: [{ sort: 'sender-asc', label: 'Sender, A to Z' }, { sort: 'sender-desc', label: 'Sender, Z to A' }] },
  { group: 'Subject', options: [{ sort: 'subject-asc', label: 'Subject, A to Z' }, { sort: 'subject-desc', label: 'Subject, Z to A' }] },
  { group: 'Size', options: [{ sort: 'size-desc', label: 'Largest first' }, { sort: 'size-asc', label: 'Smallest first' }] },
];

export const DEFAULT_SORT: MessageSort = 'date-desc';

/** A remembered order, or the default when it is missing or not one this version knows. */
export function parseSort(raw: string | null): MessageSort {
  const parsed = sortSchema.safeParse(raw);
  return parsed.success ? parsed.data : DEFAULT_SORT;
}
