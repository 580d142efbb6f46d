import type { TagInUse } from '../../shared/contract/organise';
import { standardTags } from '../../shared/tags';

/** A tag the tag menu and the keys 1–9 offer: its name, and its keyword once it is known. */
export interface TagChoice {
  name: string;
  keyword: string;
}

/**
 * The tags in the order the menu lists them and keys 1–9 reach them: the five standard tags first
 * (Thunderbird's order, so 1 is Important there and here), then the user's own tags, most used first.
 */
export function tagChoices(inUse: readonly TagInUse[]): TagChoice[] {
  const standard = new Set(standardTags.map((t) => t.keyword.toLowerCase()));
  const own = inUse.filter((t) => !standard.has(t.keyword.toLowerCase())).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return [...standardTags.map((t) => ({ name: t.name, keyword: t.keyword })), ...own.map((t) => ({ name: t.name, keyword: t.keyword }))];
}

/** Whether messages carry a tag: all of them, some, or none (a menu's checkbox: true, 'mixed', false). */
export function tagState(flags: ReadonlyArray<readonly string[]>, keyword: string): boolean | 'mixed' {
  const has = flags.filter((f) => f.some((flag) => flag.toLowerCase() === keyword.toLowerCase())).length;
  return has === 0 ? false : has === flags.length ? true : 'mixed';
}
