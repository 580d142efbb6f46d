import { useState } from 'react';
import { Icon } from '../Icon';

export interface SendLaterMenuProps {
  disabled: boolean;
  /** ISO 8601 time to send at. */
  onPick(sendAt: string): void;
}

/** At 08:00 local time, `days` from today. */
function morning(days: number): Date {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(8, 0, 0, 0);
  return d;
}

function nextMonday(): Date {
  const d = morning(1);
  while (d.getDay() !== 1) d.setDate(d.getDate() + 1);
  return d;
}

/** The offered times, as of now. */
function laterChoices(): Array<{ text: string; at: Date }> {
  return [
    { text: 'In one hour', at: new Date(Date.now() + 3_600_000) },
    { text: `Tomorrow morning (${label(morning(1))})`, at: morning(1) },
    { text: `Monday morning (${label(nextMonday())})`, at: nextMonday() },
  ];
}

const label = (d: Date) => d.toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

/** "Send later": a few common times and a chosen one; the outbox holds the message until then. */
export function SendLaterMenu({ disabled, onPick }: SendLaterMenuProps) {
  // The times are worked out when the menu opens (not at every render: "in one hour" moves).
  const [choices, setChoices] = useState<Array<{ text: string; at: Date }> | null>(null);
  const open = choices !== null;
  const setOpen = (next: boolean) => setChoices(next ? laterChoices() : null);
  const [custom, setCustom] = useState('');
  const pick = (at: Date) => {
    setOpen(false);
    onPick(at.toISOString());
  };
  return (
    <div className="send-later">
      <button type="button" className="button" disabled={disabled} aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>
        <Icon name="clock" size={14} /> Send later
      </button>
      {open && (
        <div className="send-later-menu" role="group" aria-label="Send later" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          {choices?.map((c) => (
            <button key={c.text} type="button" className="menu-choice" onClick={() => pick(c.at)}>
              {c.text}
            </button>
          ))}
          <form
            className="send-later-custom"
            onSubmit={(e) => {
              e.preventDefault();
              const at = new Date(custom);
              if (!Number.isNaN(at.getTime()) && at.getTime() > Date.now()) pick(at);
            }}
          >
            <label>
              At
              <input className="text-input" type="datetime-local" value={custom} onChange={(e) => setCustom(e.target.value)} />
            </label>
            <button type="submit" className="button small" disabled={!custom}>
              Schedule
            </button>
          </form>
        </div>
      )}
    </div>
  );
}
