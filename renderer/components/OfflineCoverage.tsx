import type { Folder } from '../../shared/contract/messages';
import { formatCount } from '../mail/format';
import { Icon } from './Icon';

/** How much of the folder can be read with the network gone (Folder.offline of Folder.total). */
export function OfflineCoverage({ folders }: { folders: Folder[] }) {
  const total = folders.reduce((n, f) => n + f.total, 0);
  const offline = folders.reduce((n, f) => n + Math.min(f.offline, f.total), 0);
  if (total === 0) return null;
  const all = offline >= total;
  return (
    <div className={`offline-coverage ${all ? 'complete' : 'partial'}`} role="status" data-testid="offline-coverage">
      <Icon name={all ? 'check' : 'download'} size={13} />
      {all
        ? total === 1
          ? 'The message is available offline'
          : `All ${formatCount(total)} messages available offline`
        : `${formatCount(offline)} of ${formatCount(total)} messages available offline`}
    </div>
  );
}
