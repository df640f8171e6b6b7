// Demo content, part one: site settings, sections, tags, authors and sources. Pure data, all invented
// (the agency short names are public facts used only as attributions); the seeder in demo.ts saves it.
import type { Static } from 'typebox';
import type { Block, Image } from '../modules/articles/schemas.js';
import type { SiteSettings } from '../modules/site/schemas.js';

type Localized = Record<string, string>;

export interface DemoCategory {
  slug: string;
  /** Slug of the parent section; absent for a top-level section. */
  parent?: string;
  names: Localized;
  descriptions: Localized;
}
export interface DemoTag {
  slug: string;
  names: Localized;
}
export interface DemoAuthor {
  slug: string;
  name: string;
  bios: Localized;
  avatarUrl: string;
  email: string;
}
export interface DemoSource {
  slug: string;
  shortName: string;
  fullName: string;
  url: string;
  kind: 'agency' | 'outlet' | 'partner';
}

export type DemoImage = Static<typeof Image>;
export type DemoRole = 'writer' | 'translator' | 'photographer' | 'editor' | 'contributor';

export const DEMO_HOST = 'https://demo.dateline.dev';
export const IMAGE_HOST = 'https://images.demo.dateline.dev';

export const siteSettings: SiteSettings = {
  name: { en: 'Dateline Demo', zh: 'Dateline 演示站' },
  description: { en: 'Invented news from a bilingual demo newsroom.', zh: '一个双语演示新闻编辑部的虚构新闻。' },
  locales: [
    { code: 'en', name: 'English' },
    { code: 'zh', name: '中文' },
  ],
  defaultLocale: 'en',
  timeZone: 'Asia/Ho_Chi_Minh',
  logoUrl: `${IMAGE_HOST}/brand/logo.svg`,
  contact: {
    address: {
      en: 'Dateline Demo Media, 12 Harbour Lane, District 1, Ho Chi Minh City, Vietnam',
      zh: '越南胡志明市第一郡港湾巷12号，Dateline 演示传媒',
    },
    email: 'newsroom@demo.dateline.dev',
    phone: '+84 28 5550 0100',
    advertising: {
      en: 'Advertising: Dateline Demo Media sales desk, open Monday to Friday',
      zh: '广告合作：Dateline 演示传媒广告部，周一至周五办公',
    },
    advertisingEmail: 'ads@demo.dateline.dev',
    advertisingPhone: '+84 28 5550 0199',
  },
  legalLinks: [
    { label: { en: 'Terms of use', zh: '使用条款' }, url: `${DEMO_HOST}/terms` },
    { label: { en: 'Privacy policy', zh: '隐私政策' }, url: `${DEMO_HOST}/privacy` },
  ],
  copyright: {
    en: '© Dateline Demo Media. Every story on this site is fictional and exists to demonstrate the API.',
    zh: '© Dateline 演示传媒。本站所有报道均为虚构，仅用于演示接口。',
  },
};

/** Top-level sections in display order, then child sections (their order among siblings is their order here). */
export const categories: DemoCategory[] = [
  {
    slug: 'news',
    names: { en: 'News', zh: '新闻' },
    descriptions: { en: 'What happened today at home: cities, weather, transport and public life.', zh: '国内今日要闻：城市、天气、交通与公共生活。' },
  },
  {
    slug: 'world',
    names: { en: 'World', zh: '国际' },
    descriptions: { en: 'Stories from beyond our borders, told for readers at home.', zh: '来自世界各地的新闻，为本地读者讲述。' },
  },
  {
    slug: 'business',
    names: { en: 'Business', zh: '财经' },
    descriptions: { en: 'Companies, jobs, trade and the money behind them.', zh: '企业、就业、贸易以及背后的资金动向。' },
  },
  {
    slug: 'entertainment',
    names: { en: 'Entertainment', zh: '娱乐' },
    descriptions: { en: 'Film, music, stage and the people who make them.', zh: '电影、音乐、舞台以及幕后的人们。' },
  },
  {
    slug: 'sports',
    names: { en: 'Sports', zh: '体育' },
    descriptions: { en: 'Results, records and the stories behind the scoreline.', zh: '赛果、纪录以及比分背后的故事。' },
  },
  {
    slug: 'law',
    names: { en: 'Law', zh: '法治' },
    descriptions: { en: 'Courts, new rules and what they mean for everyday life.', zh: '法院判决、新规出台及其对日常生活的影响。' },
  },
  {
    slug: 'education',
    names: { en: 'Education', zh: '教育' },
    descriptions: { en: 'Schools, universities and how the next generation learns.', zh: '中小学、大学以及下一代的学习方式。' },
  },
  {
    slug: 'health',
    names: { en: 'Health', zh: '健康' },
    descriptions: { en: 'Hospitals, public health and staying well.', zh: '医院、公共卫生与健康生活。' },
  },
  {
    slug: 'lifestyle',
    names: { en: 'Lifestyle', zh: '生活' },
    descriptions: { en: 'Food, homes, families and the way we live now.', zh: '美食、家居、家庭以及当下的生活方式。' },
  },
  {
    slug: 'travel',
    names: { en: 'Travel', zh: '旅游' },
    descriptions: { en: 'Where to go, how to get there and what to expect.', zh: '去哪里、怎么去、会遇到什么。' },
  },
  {
    slug: 'science',
    names: { en: 'Science', zh: '科学' },
    descriptions: { en: 'Discoveries, research and the people doing it.', zh: '新发现、新研究以及背后的科研人员。' },
  },
  {
    slug: 'digital',
    names: { en: 'Digital', zh: '数码' },
    descriptions: { en: 'Apps, networks, security and life online.', zh: '应用、网络、安全与线上生活。' },
  },
  {
    slug: 'automobiles',
    names: { en: 'Automobiles', zh: '汽车' },
    descriptions: { en: 'New models, electric driving and the roads we share.', zh: '新车型、电动出行以及我们共享的道路。' },
  },
  {
    slug: 'asia',
    parent: 'world',
    names: { en: 'Asia', zh: '亚洲' },
    descriptions: { en: 'News from our neighbours across Asia.', zh: '来自亚洲邻国的新闻。' },
  },
  {
    slug: 'europe',
    parent: 'world',
    names: { en: 'Europe', zh: '欧洲' },
    descriptions: { en: 'News from across Europe.', zh: '来自欧洲各地的新闻。' },
  },
  {
    slug: 'markets',
    parent: 'business',
    names: { en: 'Markets', zh: '市场' },
    descriptions: { en: 'Shares, currencies and commodities.', zh: '股市、汇市与大宗商品。' },
  },
  {
    slug: 'football',
    parent: 'sports',
    names: { en: 'Football', zh: '足球' },
    descriptions: { en: 'League, cup and national team football.', zh: '联赛、杯赛与国家队足球。' },
  },
];

export const tags: DemoTag[] = [
  { slug: 'floods', names: { en: 'Floods', zh: '洪水' } },
  { slug: 'climate', names: { en: 'Climate', zh: '气候' } },
  { slug: 'weather', names: { en: 'Weather', zh: '天气' } },
  { slug: 'mekong', names: { en: 'Mekong', zh: '湄公河' } },
  { slug: 'disasters', names: { en: 'Disasters', zh: '灾害' } },
  { slug: 'transport', names: { en: 'Transport', zh: '交通' } },
  { slug: 'cities', names: { en: 'Cities', zh: '城市' } },
  { slug: 'economy', names: { en: 'Economy', zh: '经济' } },
  { slug: 'jobs', names: { en: 'Jobs', zh: '就业' } },
  { slug: 'energy', names: { en: 'Energy', zh: '能源' } },
  { slug: 'electric-vehicles', names: { en: 'Electric vehicles', zh: '电动汽车' } },
  { slug: 'cup-final', names: { en: 'Cup final', zh: '杯赛决赛' } },
  { slug: 'national-team', names: { en: 'National team', zh: '国家队' } },
  { slug: 'swimming', names: { en: 'Swimming', zh: '游泳' } },
  { slug: 'schools', names: { en: 'Schools', zh: '学校' } },
  { slug: 'technology', names: { en: 'Technology', zh: '科技' } },
  { slug: 'public-health', names: { en: 'Public health', zh: '公共卫生' } },
  { slug: 'tourism', names: { en: 'Tourism', zh: '旅游业' } },
  { slug: 'culture', names: { en: 'Culture', zh: '文化' } },
  { slug: 'film', names: { en: 'Film', zh: '电影' } },
  { slug: 'environment', names: { en: 'Environment', zh: '环境' } },
  { slug: 'agriculture', names: { en: 'Agriculture', zh: '农业' } },
  { slug: 'wildlife', names: { en: 'Wildlife', zh: '野生动物' } },
  { slug: 'courts', names: { en: 'Courts', zh: '法院' } },
  { slug: 'space', names: { en: 'Space', zh: '太空' } },
];

const avatar = (slug: string) => `${IMAGE_HOST}/authors/${slug}.jpg`;
const email = (slug: string) => `${slug.replace(/-/g, '.')}@demo.dateline.dev`;

export const authors: DemoAuthor[] = [
  {
    slug: 'linh-pham',
    name: 'Linh Pham',
    bios: {
      en: 'Regional correspondent covering the Mekong countries, rivers and the people who live along them.',
      zh: '地区记者，报道湄公河流域国家、河流以及沿岸居民。',
    },
    avatarUrl: avatar('linh-pham'),
    email: email('linh-pham'),
  },
  {
    slug: 'daniel-okafor',
    name: 'Daniel Okafor',
    bios: { en: 'Business reporter who follows factories, ports and supply chains.', zh: '财经记者，关注工厂、港口与供应链。' },
    avatarUrl: avatar('daniel-okafor'),
    email: email('daniel-okafor'),
  },
  {
    slug: 'mai-nguyen',
    name: 'Mai Nguyen',
    bios: { en: 'City desk reporter writing about transport, housing and public services.', zh: '城市新闻记者，报道交通、住房与公共服务。' },
    avatarUrl: avatar('mai-nguyen'),
    email: email('mai-nguyen'),
  },
  {
    slug: 'sofia-marques',
    name: 'Sofia Marques',
    bios: { en: 'Sports writer; has covered three continental cups from the press box.', zh: '体育记者，曾在记者席报道过三届洲际杯赛。' },
    avatarUrl: avatar('sofia-marques'),
    email: email('sofia-marques'),
  },
  {
    slug: 'hannah-kessler',
    name: 'Hannah Kessler',
    bios: { en: 'Science and health editor with a background in biology.', zh: '科学与健康编辑，生物学出身。' },
    avatarUrl: avatar('hannah-kessler'),
    email: email('hannah-kessler'),
  },
  {
    slug: 'huy-dang',
    name: 'Huy Dang',
    bios: { en: 'Staff photographer; most at home in a boat or on a motorbike.', zh: '本站摄影记者，最常待的地方是小船和摩托车上。' },
    avatarUrl: avatar('huy-dang'),
    email: email('huy-dang'),
  },
  {
    slug: 'chen-yu',
    name: 'Chen Yu',
    bios: { en: 'Translator and editor of the Chinese edition.', zh: '中文版译者兼编辑。' },
    avatarUrl: avatar('chen-yu'),
    email: email('chen-yu'),
  },
  {
    slug: 'wang-lei',
    name: 'Wang Lei',
    bios: { en: 'Translator for the Chinese edition, specialising in business and technology.', zh: '中文版译者，专注财经与科技报道。' },
    avatarUrl: avatar('wang-lei'),
    email: email('wang-lei'),
  },
];

export const sources: DemoSource[] = [
  { slug: 'afp', shortName: 'AFP', fullName: 'Agence France-Presse', url: 'https://www.afp.com', kind: 'agency' },
  { slug: 'ap', shortName: 'AP', fullName: 'The Associated Press', url: 'https://apnews.com', kind: 'agency' },
  { slug: 'reuters', shortName: 'Reuters', fullName: 'Reuters', url: 'https://www.reuters.com', kind: 'agency' },
  { slug: 'cnn', shortName: 'CNN', fullName: 'Cable News Network', url: 'https://www.cnn.com', kind: 'outlet' },
  { slug: 'smh', shortName: 'SMH', fullName: 'The Sydney Morning Herald', url: 'https://www.smh.com.au', kind: 'outlet' },
  { slug: 'song-xanh', shortName: 'Song Xanh', fullName: 'Song Xanh News (fictional partner site)', url: 'https://songxanh.example', kind: 'partner' },
];

/** Publisher of the invented Vietnamese originals that some demo stories adapt. */
export const MOTHER_SITE = { publisher: 'Song Xanh News', url: 'https://songxanh.example' };

// Small builders so the article files read like the page they describe.
export const p = (text: string): Block => ({ type: 'paragraph', text });
export const h = (text: string, level = 2): Block => ({ type: 'heading', level, text });
export const q = (text: string, attribution: string): Block => ({ type: 'quote', text, attribution });
export const ul = (...items: string[]): Block => ({ type: 'list', style: 'bulleted', items });
export const ol = (...items: string[]): Block => ({ type: 'list', style: 'numbered', items });
export const embed = (provider: string, url: string, title: string): Block => ({ type: 'embed', provider, url, title });
/** A 1200×800 photo under images.demo.dateline.dev; `path` is e.g. "news/flood-crest". */
export const photo = (path: string, alt: string, caption: string, credit: string): DemoImage => ({
  url: `${IMAGE_HOST}/${path}.jpg`,
  alt,
  caption,
  credit,
  width: 1200,
  height: 800,
});
export const img = (path: string, alt: string, caption: string, credit: string): Block => ({ type: 'image', ...photo(path, alt, caption, credit) });

export interface DemoSeo {
  title?: string;
  description?: string;
  canonicalUrl?: string;
  ogImageUrl?: string;
}
export interface DemoOriginalStory {
  publisher: string;
  locale: string;
  url: string;
}

/** A translation of a demo article; category, tags and sources are the original's. */
export interface DemoTranslation {
  locale: string;
  slug: string;
  title: string;
  seoTitle?: string;
  lead: string;
  body: Block[];
  /** The place of the dateline in the translation's language; the original's when absent. */
  datelinePlace?: string;
  /** The cover with a translated caption; the original's when absent. */
  coverImage?: DemoImage;
  authors: Array<[slug: string, role: DemoRole]>;
  seo?: DemoSeo;
  /** Defaults to the English original inside this CMS. */
  originalStory?: DemoOriginalStory;
}

export interface DemoArticle {
  slug: string;
  title: string;
  seoTitle?: string;
  lead: string;
  body: Block[];
  coverImage: DemoImage;
  /** Category slug. */
  category: string;
  tags: string[];
  authors: Array<[slug: string, role: DemoRole]>;
  sources: string[];
  datelinePlace: string;
  /** Publication time relative to the seeding clock, in days (fractions allowed); negative is in the future. */
  daysAgo: number;
  /** Published unless said otherwise. */
  status?: 'draft' | 'scheduled';
  originalStory?: DemoOriginalStory;
  seo?: DemoSeo;
  translation?: DemoTranslation;
}
