import type BetterSqlite3 from 'better-sqlite3';
import { up as initial } from './0001-initial';
import { up as pop3Uidls } from './0002-pop3-uidls';
import { up as pendingOpSent } from './0003-pending-op-sent';
import { up as ingestCounts } from './0004-ingest-counts';
import { up as outgoing } from './0005-outgoing';
import { up as contacts } from './0006-contacts';
import { up as searchSize } from './0007-search-size';
import { up as sortKeys } from './0008-sort-keys';
import { up as operationQueue } from './0009-operation-queue';
import { up as taggedKeys } from './0010-tagged-keys';
import { up as rules } from './0011-rules';
import { up as organise } from './0012-organise';
import { up as draftCopies } from './0013-draft-copies';
import { up as pop3UidlHash } from './0014-pop3-uidl-hash';
import { up as recipientSortKey } from './0015-recipient-sort-key';
import { up as outboxRefusalsSeen } from './0016-outbox-refusals-seen';
import { up as idFloors } from './0017-id-floors';
import { up as outgoingRows } from './0018-outgoing-rows';
import { up as outboxResend } from './0019-outbox-resend';
import { up as rereadScan } from './0020-reread-scan';
import { up as searchPending } from './0021-search-pending';

export { latestVersion } from './version';

export interface Migration {
  version: number;
  up(db: BetterSqlite3.Database): void;
}

/** Every schema version in order; the database's `user_version` is the last one applied. */
export const migrations: Migration[] = [
  { version: 1, up: initial },
  { version: 2, up: pop3Uidls },
  { version: 3, up: pendingOpSent },
  { version: 4, up: ingestCounts },
  { version: 5, up: outgoing },
  { version: 6, up: contacts },
  { version: 7, up: searchSize },
  { version: 8, up: sortKeys },
  { version: 9, up: operationQueue },
  { version: 10, up: taggedKeys },
  { version: 11, up: rules },
  { version: 12, up: organise },
  { version: 13, up: draftCopies },
  { version: 14, up: pop3UidlHash },
  { version: 15, up: recipientSortKey },
  { version: 16, up: outboxRefusalsSeen },
  { version: 17, up: idFloors },
  { version: 18, up: outgoingRows },
  { version: 19, up: outboxResend },
  { version: 20, up: rereadScan },
  { version: 21, up: searchPending },
];
