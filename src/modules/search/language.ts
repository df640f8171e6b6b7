// How each language is searched: which text search configuration, whether accents are folded, and
// whether the text is cut into character bigrams first. Used the same way at write and at query time.
import sanitizeHtml from 'sanitize-html';

/**
 * stemmed: a PostgreSQL snowball configuration (english: "floods" finds "flooded").
 * unaccented: the `simple` configuration over unaccent(), so "ha noi" finds "Hà Nội" (Vietnamese and
 *   any language without a stemmer here).
 * cjk: Chinese, Japanese and Korean have no spaces between words; the text is cut into overlapping
 *   character bigrams (as Lucene's CJK analyzer does), so any two-character query finds the words that
 *   contain it, whatever a dictionary would have segmented.
 */
export type SearchLanguage = { kind: 'stemmed'; config: string } | { kind: 'unaccented' } | { kind: 'cjk' };

// Snowball configurations that PostgreSQL 15 and PGlite both ship.
const STEMMED: Record<string, string> = {
  da: 'danish',
  de: 'german',
  en: 'english',
  es: 'spanish',
  fi: 'finnish',
  fr: 'french',
  hu: 'hungarian',
  it: 'italian',
  nb: 'norwegian',
  nl: 'dutch',
  no: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sv: 'swedish',
  tr: 'turkish',
};

export function searchLanguage(locale: string): SearchLanguage {
  const lang = locale.toLowerCase().split('-')[0];
  if (lang === 'zh' || lang === 'ja' || lang === 'ko') return { kind: 'cjk' };
  const config = STEMMED[lang];
  return config ? { kind: 'stemmed', config } : { kind: 'unaccented' };
}

// Han, Hiragana, Katakana, Hangul (and the CJK punctuation-free ranges around them).
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

/**
 * Text with every CJK run replaced by its overlapping bigrams ("湄公河" → "湄公 公河 河"); the last
 * character also stands alone so that a one-character query (a prefix match) reaches the end of a run.
 * Other text is left as it is for the `simple` parser. Positions stay in order, so phrase queries work.
 */
export function cjkBigrams(text: string): string {
  return text.replace(CJK_RUN, (run) => {
    const chars = Array.from(run);
    if (chars.length === 1) return ` ${run} `;
    const grams: string[] = [];
    for (let i = 0; i < chars.length - 1; i++) grams.push(chars[i] + chars[i + 1]);
    grams.push(chars[chars.length - 1]);
    return ` ${grams.join(' ')} `;
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** Plain text of inline HTML (paragraphs may hold links and emphasis). */
export function plainText(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, e: string) => ENTITIES[e]);
}
