import { useEffect, useState } from 'react';
import { composeQuery, readComposeQuery } from '../../../shared/compose-intent';
import { api } from '../../api/client';
import { type ComposeSetup, loadCompose } from '../../compose/load-compose';
import { readWritingPreferences } from '../../compose/writing-preferences';
import { errorSentence } from '../../mail/error-words';
import { Icon } from '../Icon';
import { Composer } from './Composer';

type Outcome = 'sent' | 'scheduled' | 'discarded';

const outcomeText: Record<Outcome, string> = {
  sent: 'The message is in the outbox and goes out in a moment; the mail window offers to undo that.',
  scheduled: 'The message waits in the outbox until the time you chose.',
  discarded: 'The message was discarded.',
};

/**
 * The composer page (compose.html): reads what to open from its address, loads it, shows the composer.
 * A window of its own in the app; a tab of its own under dev:web.
 */
export function ComposerApp() {
  const [{ intent, remote }] = useState(() => readComposeQuery(window.location.search));
  const [setup, setSetup] = useState<ComposeSetup | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<Outcome | null>(null);

  useEffect(() => {
    loadCompose(api, intent, { prefs: readWritingPreferences(), allowRemote: remote }).then(setSetup, setError);
  }, [intent, remote]);

  if (done) {
    return (
      <main className="composer-done" aria-label="Message">
        <p role="status">
          <Icon name={done === 'discarded' ? 'trash' : 'check'} size={18} /> {outcomeText[done]}
        </p>
      </main>
    );
  }
  if (error !== null) {
    return (
      <main className="composer-done" aria-label="Message">
        <p role="alert" className="fatal">
          <Icon name="alert" size={18} /> {errorSentence(error)}
        </p>
      </main>
    );
  }
  if (!setup) return <div className="app-loading" aria-busy="true" />;
  const address = (draftId: number, allowRemote: boolean) => `?${composeQuery({ kind: 'draft', draftId }, { remote: allowRemote })}${window.location.hash}`;
  return (
    <Composer
      setup={setup}
      allowRemote={remote}
      onDraftId={(draftId) => window.history.replaceState(null, '', address(draftId, remote))}
      onAllowRemote={(draftId) => window.location.replace(address(draftId, true))}
      onDone={(outcome) => {
        setDone(outcome);
        window.close();
      }}
    />
  );
}
