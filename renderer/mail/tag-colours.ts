/** Thunderbird's colours for its five standard tags, so a tag looks the same in both programs. */
const standardColours: Record<string, string> = {
  $label1: '#e0262b',
  $label2: '#f08c00',
  $label3: '#1f9d3a',
  $label4: '#3b5bdb',
  $label5: '#9c36b5',
};

/** A tag's colour: the standard one, else a hue of its own from its keyword (the same on every start). */
export function tagColour(keyword: string): string {
  const standard = standardColours[keyword.toLowerCase()];
  if (standard) return standard;
  let hue = 0;
  for (const c of keyword.toLowerCase()) hue = (hue * 31 + c.codePointAt(0)!) % 360;
  return `hsl(${hue} 65% 45%)`;
}
