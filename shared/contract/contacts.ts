import * as z from 'zod';
import { command, query } from './define';
import { mailAddressSchema } from './outgoing';

/**
 * The people the composer suggests as the user types a recipient: the addresses the user wrote to (the To
 * and Cc of the messages in their Sent folders) and so the senders they replied to; not every From of
 * incoming mail, which would suggest every newsletter and spammer. Ranked by how often and how recently
 * the user wrote to them.
 */
export interface ContactSuggestion {
  /** The display name last used for this address ('' when none). */
  name: string;
  address: string;
  /** Messages written to this address. */
  timesUsed: number;
  /** ISO 8601: the last of them. */
  lastUsed: string;
}

export const contactMethods = {
  /**
   * Suggestions whose name or address has words starting with the typed ones (`ann ex`, `ann.ex@`, `müll`),
   * best first. Brought up to date with the Sent folders by refreshContacts.
   */
  searchContacts: query(
    z.strictObject({
      prefix: z.string().trim().min(1).max(320),
      limit: z.number().int().min(1).max(50).default(8),
    }),
  ).returns<ContactSuggestion[]>(),
  /** Reads the messages added to Sent folders since the last call into the suggestions; the composer calls it as it opens. */
  refreshContacts: command(z.strictObject({})).returns<{ added: number }>(),
  /**
   * "Remove this suggestion": the address is not suggested again until the user next writes to it.
   * Nothing else changes (no message, no Sent copy).
   */
  forgetContact: command(z.strictObject({ address: mailAddressSchema })).returns<void>(),
};
