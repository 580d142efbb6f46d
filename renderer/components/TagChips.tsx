import { tagKeywords, tagName } from '../../shared/tags';
import { tagColour } from '../mail/tag-colours';

/**
 * A message's tags (its IMAP keywords, shared/tags.ts) as small labels: the name in the text colour,
 * the tag's colour as a dot beside it, so every tag reads in both themes.
 */
export function TagChips({ flags, className = '' }: { flags: readonly string[]; className?: string }) {
  const keywords = tagKeywords(flags);
  if (keywords.length === 0) return null;
  return (
    <span className={`tag-chips ${className}`}>
      <span className="visually-hidden">Tags: </span>
      {keywords.map((keyword, i) => (
        <span key={keyword} className="tag-chip" data-tag={keyword}>
          <span className="tag-dot" aria-hidden="true" style={{ background: tagColour(keyword) }} />
          {tagName(keyword)}
          {i < keywords.length - 1 && <span className="visually-hidden">, </span>}
        </span>
      ))}
    </span>
  );
}
