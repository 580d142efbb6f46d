import { describe, expect, it } from 'vitest';
import { rulesRunWords } from '../../../renderer/mail/rules-run-words';

const rule = (acted: number, broken: { code: string; message: string; at: string } | null = null) => ({ ruleId: 1, matched: acted, acted, broken });

/** The folder menu's toast and Settings › Rules say the same sentence (the settings said "acted 1 times"). */
describe('rulesRunWords', () => {
  it('counts once, times and nothing new in words', () => {
    expect(rulesRunWords({ examined: 12, rules: [rule(1)] }, 'Inbox')).toBe('Ran the rules on 12 messages in Inbox: they acted once.');
    expect(rulesRunWords({ examined: 1, rules: [rule(2), rule(1200)] }, 'Inbox')).toBe('Ran the rules on the message in Inbox: they acted 1,202 times.');
    expect(rulesRunWords({ examined: 3, rules: [rule(0)] }, 'Archive')).toBe('Ran the rules on 3 messages in Archive: none of them matched anything new.');
  });
  it('says when no rule applies, and names broken rules', () => {
    expect(rulesRunWords({ examined: 5, rules: [] }, 'Inbox')).toBe('No rule applies to this folder.');
    expect(rulesRunWords({ examined: 5, rules: [rule(0, { code: 'RULE_BROKEN', message: 'The folder Old was deleted.', at: '' })] }, 'Inbox')).toBe(
      'Ran the rules on 5 messages in Inbox: none of them matched anything new. One rule is broken: see Settings › Rules.',
    );
  });
});
