// The reader's own words and formats: URL paths, the date line, and the labels around the content
// (everything else on a page comes from the API).

/** Stands in for {category} when an article has none, as the API's FRONTEND_URL_PATTERN does. */
export const NO_CATEGORY = 'uncategorized';

export const homePath = (locale: string) => `/${encodeURIComponent(locale)}/`;
export const sectionPath = (locale: string, category: string) => `${homePath(locale)}${encodeURIComponent(category)}/`;
export const tagPath = (locale: string, tag: string) => `${homePath(locale)}tags/${encodeURIComponent(tag)}/`;
export const authorPath = (locale: string, author: string) => `${homePath(locale)}authors/${encodeURIComponent(author)}/`;
export const articlePath = (locale: string, category: string | null | undefined, slug: string) =>
  `${sectionPath(locale, category || NO_CATEGORY)}${encodeURIComponent(slug)}`;

/**
 * "Thursday, 8/14/2025 | 19:02 GMT+7" (en) or "2025年8月14日星期四 | GMT+7 19:02" (zh): the instant shown in the
 * site's time zone, in the reader's language, with the zone's offset so nobody has to guess it.
 */
export function dateLine(iso: string, locale: string, timeZone: string): string {
  const at = new Date(iso);
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', year: 'numeric', month: 'numeric', day: 'numeric' });
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  return `${day.format(at)} | ${time.format(at)}`;
}

/** A short date for teasers: "14/8" style, in the site's time zone. */
export function shortDate(iso: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** The name of a language in the reader's language ("Vietnamese", "越南语"). */
export function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

const EN = {
  latest: 'Latest news',
  backTo: 'Back to',
  home: 'Home',
  updated: 'Updated',
  roles: { writer: 'By', translator: 'Translated by', photographer: 'Photos:', editor: 'Edited by', contributor: 'Additional reporting:' } as Record<string, string>,
  according: 'According to',
  original: 'Original story',
  tags: 'Tags',
  related: 'News in the same category',
  corrections: 'Corrections',
  languages: 'Languages',
  sections: 'Sections',
  video: 'Video',
  contact: 'Contact',
  noArticles: 'No articles yet.',
  notFound: 'Page not found',
  notFoundText: 'There is no page at this address. It may have been moved or taken down.',
  unavailable: 'The news is unavailable',
  unavailableText: 'We could not reach the newsroom just now. Please try again in a minute.',
};
type Labels = typeof EN;

const ZH: Labels = {
  latest: '最新新闻',
  backTo: '返回',
  home: '首页',
  updated: '更新',
  roles: { writer: '文：', translator: '翻译：', photographer: '摄影：', editor: '编辑：', contributor: '参与报道：' },
  according: '据',
  original: '原文',
  tags: '标签',
  related: '同类新闻',
  corrections: '更正',
  languages: '语言',
  sections: '栏目',
  video: '视频',
  contact: '联系方式',
  noArticles: '暂无文章。',
  notFound: '页面不存在',
  notFoundText: '此地址没有页面，可能已被移动或撤下。',
  unavailable: '新闻暂时无法显示',
  unavailableText: '暂时无法连接编辑部，请稍后再试。',
};

/** The reader's labels in a locale (its primary language), English when it has none. */
export function labels(locale: string): Labels {
  return locale.split('-')[0] === 'zh' ? ZH : EN;
}
