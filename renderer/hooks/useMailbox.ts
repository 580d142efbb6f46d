import { useMemo, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { Folder, MailboxRef } from '../../shared/contract/messages';

function defaultMailbox(accounts: Account[], folders: Folder[]): MailboxRef | null {
  if (accounts.some((a) => a.capabilities.hasServer)) return { unified: 'inbox' };
  const withMail = folders.find((f) => f.total > 0) ?? folders[0];
  return withMail ? { folderId: withMail.id } : null;
}

/**
 * The mailbox the list shows: the one chosen, or (nothing chosen yet, or the chosen folder vanished with
 * its account) the unified inbox, else the first folder with mail.
 */
export function useMailbox(accounts: Account[], folders: Folder[]): [MailboxRef | null, (mailbox: MailboxRef) => void] {
  const [chosen, setChosen] = useState<MailboxRef | null>(null);
  const chosenExists = chosen === null || 'unified' in chosen || folders.some((f) => f.id === chosen.folderId);
  const fallback = useMemo(() => defaultMailbox(accounts, folders), [accounts, folders]);
  const stableFallback = useStableMailbox(fallback);
  return [(chosenExists ? chosen : null) ?? stableFallback, setChosen];
}

/** The same mailbox object while it names the same mailbox (memoised children compare by identity). */
function useStableMailbox(mailbox: MailboxRef | null): MailboxRef | null {
  const key = mailbox === null ? '' : 'unified' in mailbox ? 'unified' : `folder:${mailbox.folderId}`;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on what the mailbox names, not its identity
  return useMemo(() => mailbox, [key]);
}
