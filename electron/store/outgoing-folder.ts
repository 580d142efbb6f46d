/**
 * `messages.outgoing_folder` for a row going into folder `?`: 1 in a Sent or Drafts folder, else 0. The
 * recipients' order is indexed for those rows alone (migration 0018); an insert sets it with this, and
 * the migration's triggers keep it when a row changes folder or a folder its special use.
 */
export const OUTGOING_FOLDER_SQL = `coalesce((SELECT special_use IN ('sent', 'drafts') FROM folders WHERE id = ?), 0)`;
