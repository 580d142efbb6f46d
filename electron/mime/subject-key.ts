/**
 * Reply and forward prefixes in the languages mail clients write them in (Outlook localises them:
 * AW/WG German, SV/VS Nordic, RIF/I Italian, TR French, 回复/转发 Chinese), optionally counted
 * (`Re[2]:`, `Re^2:`), and mailing-list tags like `[list]`.
 */
const PREFIX = /^\s*(?:(?:re|fwd?|aw|wg|sv|vs|antw|doorst|rif|tr|réf|ref|odp|pd|ynt|vl|enc|res|回复|回覆|答复|转发|轉寄|件名)\s*(?:\[\d+\]|\^\d+|\(\d+\))?\s*[:：]|\[[^\]]{1,40}\])\s*/iu;

/** True when the subject carries a reply or forward prefix. */
export function isReplySubject(subject: string): boolean {
  return /^\s*(?:\[[^\]]{1,40}\]\s*)*(?:re|fwd?|aw|wg|sv|vs|antw|rif|tr|réf|odp|ynt|res|回复|回覆|答复|转发)\s*(?:\[\d+\]|\^\d+|\(\d+\))?\s*[:：]/iu.test(subject);
}

/** The subject with reply/forward prefixes and list tags removed, case and spacing folded: threads match on it. */
export function subjectKey(subject: string): string {
  let rest = subject;
  for (let i = 0; i < 20; i++) {
    const next = rest.replace(PREFIX, '');
    if (next === rest) break;
    rest = next;
  }
  return rest.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
