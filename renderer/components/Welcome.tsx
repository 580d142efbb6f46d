import { Icon } from './Icon';

/** First run: no mail account yet. */
export function Welcome({ onAddAccount }: { onAddAccount(): void }) {
  return (
    <main className="welcome">
      <div className="welcome-card">
        <div className="welcome-mark" aria-hidden="true">
          <Icon name="envelope" size={34} />
        </div>
        <h1 id="welcome-title">Welcome to Homing</h1>
        <p className="welcome-lead">Your mail, on your own computer: downloaded, searchable, and readable without a connection.</p>
        <button type="button" className="button primary large" onClick={onAddAccount}>
          Add your mail account
        </button>
        <ul className="welcome-points">
          <li>
            <Icon name="server" size={16} /> Works with your web host’s mail (IMAP or POP3), set up from your address.
          </li>
          <li>
            <Icon name="cloud-off" size={16} /> Everything stays readable and searchable offline.
          </li>
          <li>
            <Icon name="shield" size={16} /> Remote images and scripts in mail are blocked.
          </li>
        </ul>
      </div>
    </main>
  );
}
