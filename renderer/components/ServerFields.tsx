import { type ServerForm, withChange } from '../mail/account-form';
import { HostPortSecurityFields } from './HostPortSecurityFields';

export interface ServerFieldsProps {
  form: ServerForm;
  onChange(form: ServerForm): void;
  /** New accounts choose IMAP or POP3; an existing account keeps its protocol. */
  protocolFixed: boolean;
  idPrefix: string;
}

/** Server name, port, security and user name; the protocol choice explained in the user's words. */
export function ServerFields({ form, onChange, protocolFixed, idPrefix }: ServerFieldsProps) {
  const set = (change: Partial<ServerForm>) => onChange(withChange(form, change));
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <div className="server-fields">
      {!protocolFixed && (
        <fieldset className="protocol-choice">
          <legend>How should Homing get your mail?</legend>
          <label className={`choice ${form.protocol === 'imap' ? 'checked' : ''}`}>
            <input type="radio" name={id('protocol')} value="imap" checked={form.protocol === 'imap'} onChange={() => set({ protocol: 'imap' })} />
            <span>
              <strong>IMAP</strong> — keep mail on the server, in sync with your phone and webmail
            </span>
          </label>
          <label className={`choice ${form.protocol === 'pop3' ? 'checked' : ''}`}>
            <input type="radio" name={id('protocol')} value="pop3" checked={form.protocol === 'pop3'} onChange={() => set({ protocol: 'pop3' })} />
            <span>
              <strong>POP3</strong> — download mail to this computer (and optionally free space on the server)
            </span>
          </label>
        </fieldset>
      )}
      <div className="field-grid">
        <HostPortSecurityFields value={form} onChange={set} hostLabel={form.protocol === 'imap' ? 'IMAP server' : 'POP3 server'} id={id} />
        <label htmlFor={id('username')}>User name</label>
        <input id={id('username')} className="text-input" value={form.username} onChange={(e) => set({ username: e.target.value })} spellCheck={false} autoComplete="username" />
      </div>
      {form.security === 'none' && (
        <p className="field-note warning">Without encryption your password and mail cross the network readable by anyone on the way. Homing refuses to send a password that way.</p>
      )}
    </div>
  );
}
