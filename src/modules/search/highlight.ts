// Highlighting for languages PostgreSQL's ts_headline cannot mark up for us: unaccented search
// (the query "ha noi" must mark "Hà Nội" in the original text) and CJK (no word boundaries).
// Works on the original text, so what the reader sees keeps its accents.

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One character folded for matching: lower case, accents removed, đ → d. Always one UTF-16 unit or more per input char. */
function foldChar(c: string): string {
  return c.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
}

/** The folded text and, for each of its UTF-16 units, the index of the original character it came from. */
function fold(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const c of text) {
    const f = foldChar(c) || c;
    folded += f;
    for (let k = 0; k < f.length; k++) origin.push(i);
    i += c.length;
  }
  return { folded, origin };
}

/** Query terms to look for: words and quoted phrases, minus excluded (-word) ones and the `or` keyword. */
export function highlightTerms(q: string): string[] {
  const terms: string[] = [];
  for (const m of q.matchAll(/"([^"]+)"|(\S+)/g)) {
    const phrase = m[1];
    const word = m[2];
    if (phrase) terms.push(phrase);
    else if (word && !word.startsWith('-') && word.toLowerCase() !== 'or') terms.push(word);
  }
  return terms
    .map((t) => t.replace(/[^\p{L}\p{N}\s]/gu, ' ').trim())
    .filter(Boolean)
    .map((t) => fold(t).folded);
}

/** Ranges [start, end) of the original text that match any term (folded comparison), merged. */
function matchRanges(text: string, terms: string[]): Array<[number, number]> {
  const { folded, origin } = fold(text);
  const ranges: Array<[number, number]> = [];
  for (const term of terms) {
    let at = folded.indexOf(term);
    while (at >= 0) {
      const start = origin[at];
      const endUnit = at + term.length - 1;
      const lastStart = origin[endUnit];
      const lastChar = String.fromCodePoint(text.codePointAt(lastStart)!);
      ranges.push([start, lastStart + lastChar.length]);
      at = folded.indexOf(term, at + term.length);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    // Overlapping, or apart only by spaces: one mark reads better ("<mark>Hà Nội</mark>").
    if (last && (r[0] <= last[1] || /^\s+$/.test(text.slice(last[1], r[0])))) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

function markRanges(text: string, ranges: Array<[number, number]>): string {
  let out = '';
  let pos = 0;
  for (const [s, e] of ranges) {
    out += escapeHtml(text.slice(pos, s)) + '<mark>' + escapeHtml(text.slice(s, e)) + '</mark>';
    pos = e;
  }
  return out + escapeHtml(text.slice(pos));
}

/** The whole text as HTML with the matches marked. */
export function markAll(text: string, terms: string[]): string {
  return markRanges(text, matchRanges(text, terms));
}

/** About `width` characters of text around the first match, as HTML with the matches marked; the start when none. */
export function snippetAround(text: string, terms: string[], width = 200): { html: string; matched: boolean } {
  const ranges = matchRanges(text, terms);
  if (!ranges.length) return { html: escapeHtml(cut(text, 0, width)), matched: false };
  const first = ranges[0][0];
  let start = Math.max(0, first - Math.floor(width / 3));
  // Start on a word (or at least a character) boundary rather than mid-word.
  if (start > 0) {
    const space = text.lastIndexOf(' ', start);
    start = space >= 0 && first - space < width / 2 ? space + 1 : start;
  }
  const end = Math.min(text.length, start + width);
  const inside = ranges.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s - start, e - start] as [number, number]);
  const body = markRanges(text.slice(start, end), inside);
  return { html: (start > 0 ? '… ' : '') + body + (end < text.length ? ' …' : ''), matched: true };
}

function cut(text: string, start: number, width: number): string {
  return text.length - start > width ? text.slice(start, start + width) + ' …' : text.slice(start);
}

/** ts_headline marks with these control characters so that the text can be escaped afterwards. */
export const START_MARK = '\u0002';
export const STOP_MARK = '\u0003';

/** ts_headline output (plain text with START/STOP marks) → escaped HTML with <mark>. */
export function headlineToHtml(headline: string): string {
  return escapeHtml(headline).replaceAll(START_MARK, '<mark>').replaceAll(STOP_MARK, '</mark>');
}
