import type { MessageSort } from '../../shared/contract/messages';
import { formatCount, plural } from '../mail/format';
import { parseSort, sortChoicesFor } from '../mail/sort-choices';

export interface ListHeaderProps {
  title: string;
  subtitle: string | null;
  total: number | null;
  unread: number | null;
  /** Null for search results (ranked by the search, not sortable here). */
  sort: MessageSort | null;
  onSort(sort: MessageSort): void;
  /** One Sent or Drafts folder: its rows, and their "sender" order, are the recipients. */
  outgoingFolder?: boolean;
}

export function ListHeader({ title, subtitle, total, unread, sort, onSort, outgoingFolder = false }: ListHeaderProps) {
  return (
    <div className="list-header">
      <div className="list-title-block">
        <h1 className="list-title" id="list-title">
          {title}
        </h1>
        <div className="list-subtitle muted" data-testid="list-count">
          {subtitle ?? (total === null ? '\u00a0' : plural(total, 'message'))}
          {unread ? ` · ${formatCount(unread)} unread` : ''}
        </div>
      </div>
      {sort && (
        <label className="sort-control">
          <span className="visually-hidden">Sort messages</span>
          <select value={sort} onChange={(event) => onSort(parseSort(event.target.value))}>
            {sortChoicesFor(outgoingFolder).map(({ group, options }) => (
              <optgroup key={group} label={group}>
                {options.map((option) => (
                  <option key={option.sort} value={option.sort}>
                    {option.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
