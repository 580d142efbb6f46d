import type { RuleRunResult } from '../../shared/contract/rules';
import { messagesWord } from './outcome';
import { formatCount } from './format';

/**
 * What a "Run rules now" did, in one sentence, for the folder menu's toast and the Rules settings alike:
 * "Ran the rules on 12 messages in Inbox: they acted once." Broken rules are named, since they did nothing.
 */
export function rulesRunWords(result: RuleRunResult, folder: string): string {
  if (result.rules.length === 0) return 'No rule applies to this folder.';
  const acted = result.rules.reduce((sum, r) => sum + r.acted, 0);
  const broken = result.rules.filter((r) => r.broken).length;
  const outcome = acted === 0 ? 'none of them matched anything new' : `they acted ${acted === 1 ? 'once' : `${formatCount(acted)} times`}`;
  const words = `Ran the rules on ${messagesWord(result.examined)} in ${folder}: ${outcome}.`;
  return broken > 0 ? `${words} ${broken === 1 ? 'One rule is' : `${formatCount(broken)} rules are`} broken: see Settings › Rules.` : words;
}
