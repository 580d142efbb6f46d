import { useMemo, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { Folder } from '../../shared/contract/messages';
import { accountLabel, folderName, sidebarAccounts } from '../mail/folder-tree';
import { acceptsMove } from '../mail/move-targets';
import { Icon } from './Icon';
import { Modal } from './Modal';
import { formatCount } from '../mail/format';

export interface MovePickerProps {
  accounts: Account[];
  folders: Folder[];
  /** Accounts of the messages being moved: their folders are offered, plus Local Folders. */
  fromAccounts: ReadonlySet<string>;
  /** Folders the messages are already in (not offered). */
  fromFolders: ReadonlySet<number>;
  count: number;
  onMove(folder: Folder): void;
  onClose(): void;
}

/** `v`: a filterable list of folders; arrows and Enter, or a click, move the selection there. */
export function MovePicker({ accounts, folders, fromAccounts, fromFolders, count, onMove, onClose }: MovePickerProps) {
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const options = useMemo(() => {
    const order = sidebarAccounts(accounts);
    const accountOf = (id: string) => order.find((a) => a.id === id);
    const source = { accounts: fromAccounts, folders: fromFolders };
    const needle = filter.trim().toLowerCase();
    return order.flatMap((account) =>
      folders
        .filter((f) => f.accountId === account.id && !fromFolders.has(f.id) && acceptsMove(f, source, accountOf))
        .filter((f) => !needle || f.path.toLowerCase().includes(needle) || folderName(f).toLowerCase().includes(needle))
        .sort((a, b) => a.path.localeCompare(b.path))
        .map((folder) => ({ folder, account })),
    );
  }, [accounts, folders, fromAccounts, fromFolders, filter]);
  const current = Math.min(active, Math.max(0, options.length - 1));

  return (
    <Modal title={count === 1 ? 'Move message to…' : `Move ${formatCount(count)} messages to…`} className="move-picker" onClose={onClose} initialFocus="input">
      <input
        type="text"
        className="text-input"
        placeholder="Folder name"
        aria-label="Filter folders"
        role="combobox"
        aria-expanded="true"
        aria-controls="move-options"
        aria-activedescendant={options[current] ? `move-${options[current].folder.id}` : undefined}
        value={filter}
        onChange={(event) => {
          setFilter(event.target.value);
          setActive(0);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') setActive(Math.min(options.length - 1, current + 1));
          else if (event.key === 'ArrowUp') setActive(Math.max(0, current - 1));
          else if (event.key === 'Enter' && options[current]) onMove(options[current].folder);
          else return;
          event.preventDefault();
        }}
      />
      <ul id="move-options" role="listbox" aria-label="Folders" className="move-options">
        {options.length === 0 && <li className="muted move-none">No folder matches.</li>}
        {options.map(({ folder, account }, i) => (
          <li
            key={folder.id}
            id={`move-${folder.id}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'active' : ''}
            onMouseEnter={() => setActive(i)}
            onClick={() => onMove(folder)}
          >
            <Icon name="folder" size={14} />
            <span className="move-folder">{folder.parentPath ? `${folder.parentPath.replace(/[/.]/g, ' › ')} › ${folderName(folder)}` : folderName(folder)}</span>
            <span className="move-account muted">{accountLabel(account)}</span>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
