import { type MessageSort, sortSchema } from '../../shared/contract/messages';

type SortChoices = ReadonlyArray<{ group: string; options: ReadonlyArray<{ sort: MessageSort; label: string }> }>;

/** The list's orders as the sort menu offers them: by what, then which way, in the user's words. */
export const sortChoices: SortChoices = [
  { group: 'Date', options: [{ sort: 'date-desc', label: 'Newest first' }, { sort: 'date-asc', label: 'Oldest first' }] },
  { group: 'Sender', options: [{ sort: 'sender-asc', label: 'Sender, A to Z' }, { sort: 'sender-desc', label: 'Sender, Z to A' }] },
  { group: 'Subject', options: [{ sort: 'subject-asc', label: 'Subject, A to Z' }, { sort: 'subject-desc', label: 'Subject, Z to A' }] },
  { group: 'Size', options: [{ sort: 'size-desc', label: 'Largest first' }, { sort: 'size-asc', label: 'Smallest first' }] },
];

/**
 * The menu for one folder's list. Sent and Drafts rows name the recipients, and the store sorts them by
 * those (message-list.ts, for a single Sent or Drafts folder): the menu says "Recipient" there.
 */
export function sortChoicesFor(outgoingFolder: boolean): SortChoices {
  if (!outgoingFolder) return sortChoices;
  return sortChoices.map((choice) =>
    choice.group === 'Sender'
      ? {
          group: 'Recipient',
          options: [
            { sort: 'sender-asc', label: 'Recipient, A to Z' },
            { sort: 'sender-desc', label: 'Recipient, Z to A' },
          ],
        }
      : choice,
  );
}

export const DEFAULT_SORT: MessageSort = 'date-desc';

/** A remembered order, or the default when it is missing or not one this version knows. */
export function parseSort(raw: string | null): MessageSort {
  const parsed = sortSchema.safeParse(raw);
  return parsed.success ? parsed.data : DEFAULT_SORT;
}
