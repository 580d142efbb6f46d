import type { Security } from '../../shared/contract/accounts';
import { securityLabels } from '../mail/account-form';

export interface HostPortSecurity {
  host: string;
  port: string;
  security: Security;
}

export interface HostPortSecurityFieldsProps {
  value: HostPortSecurity;
  /** Each form applies a change its own way (the incoming one moves a standard port with the security). */
  onChange(change: Partial<HostPortSecurity>): void;
  hostLabel: string;
  id(name: string): string;
}

/** A server's name, port and security: rows of the caller's field grid, shared by incoming and outgoing servers. */
export function HostPortSecurityFields({ value, onChange, hostLabel, id }: HostPortSecurityFieldsProps) {
  return (
    <>
      <label htmlFor={id('host')}>{hostLabel}</label>
      <input id={id('host')} className="text-input" value={value.host} onChange={(e) => onChange({ host: e.target.value })} spellCheck={false} autoComplete="off" />
      <label htmlFor={id('port')}>Port</label>
      <div className="inline-fields">
        <input id={id('port')} className="text-input port" inputMode="numeric" value={value.port} onChange={(e) => onChange({ port: e.target.value.replace(/\D/g, '') })} />
        <label htmlFor={id('security')} className="inline-label">
          Security
        </label>
        <select id={id('security')} className="select" value={value.security} onChange={(e) => onChange({ security: e.target.value as Security })}>
          {(Object.keys(securityLabels) as Security[]).map((s) => (
            <option key={s} value={s}>
              {securityLabels[s]}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
