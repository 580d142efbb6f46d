import { Icon } from './Icon';
import { formatCount } from '../mail/format';

export interface RemoteContentBarProps {
  blocked: number;
  sender: string | null;
  onLoadOnce(): void;
  onAlwaysForSender(): void;
}

/** Shown while remote images, CSS and fonts of a message are blocked (they tell the sender you read it). */
export function RemoteContentBar({ blocked, sender, onLoadOnce, onAlwaysForSender }: RemoteContentBarProps) {
  return (
    <div className="remote-bar" role="region" aria-label="Remote content">
      <Icon name="image" size={16} className="remote-bar-icon" />
      <span className="remote-bar-text">
        <strong>Remote content blocked</strong>
        <span className="muted"> — {blocked === 1 ? '1 image or style' : `${formatCount(blocked)} images or styles`} could tell the sender you opened this.</span>
      </span>
      <span className="remote-bar-actions">
        <button type="button" className="button small" onClick={onLoadOnce}>
          Load for this message
        </button>
        {sender && (
          <button type="button" className="button small" onClick={onAlwaysForSender} title={`Always load remote content from ${sender}`}>
            Always for this sender
          </button>
        )}
      </span>
    </div>
  );
}
