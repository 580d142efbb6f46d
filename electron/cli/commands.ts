import type { CliCommand } from './command';
import { accountAdd, accountAutoconfig, accountEdit, accountList, accountRemove, accountTest } from './commands/account';
import { mark, move, remove } from './commands/actions';
import { folders } from './commands/folders';
import { list } from './commands/list';
import { folderCreate, folderDelete, folderRename, tag, trashEmpty, undo } from './commands/organise';
import { pendingDiscard, pendingList } from './commands/pending';
import { outboxCancel, outboxDismiss, outboxFlush, outboxGiveUp, outboxList, outboxMarkSent, outboxRetry } from './commands/outbox';
import { ruleAdd, ruleList, ruleRemove, ruleRun } from './commands/rules';
import { search } from './commands/search';
import { send } from './commands/send';
import { show } from './commands/show';
import { assemble } from './commands/assemble';
import { sync } from './commands/sync';
import { exportMail, importMail } from './commands/transfer';

/** Every CLI command, in the order `homing --help` lists them. Names are a public interface (docs/cli.md). */
export const commands: CliCommand[] = [
  accountAdd,
  accountEdit,
  accountList,
  accountTest,
  accountAutoconfig,
  accountRemove,
  sync,
  folders,
  list,
  show,
  assemble,
  search,
  mark,
  remove,
  move,
  tag,
  undo,
  pendingList,
  pendingDiscard,
  folderCreate,
  folderRename,
  folderDelete,
  trashEmpty,
  importMail,
  exportMail,
  send,
  outboxList,
  outboxFlush,
  outboxRetry,
  outboxMarkSent,
  outboxCancel,
  outboxDismiss,
  outboxGiveUp,
  ruleAdd,
  ruleList,
  ruleRemove,
  ruleRun,
];
