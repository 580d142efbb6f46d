import type { Folder } from '../../shared/contract/messages';
import { isInbox } from '../mail/folder-tree';

/** The Inbox and the Trash stay where they are: they are not renamed, moved or deleted (FOLDER_PROTECTED). */
export const isProtectedFolder = (folder: Folder | undefined) => folder !== undefined && (isInbox(folder) || folder.specialUse === 'trash');
