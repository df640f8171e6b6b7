// Seeded randomness and Zipf-distributed text for the bench data set: 20,000 English and 5,000 Chinese words,
// so that search terms range from very common to rare, as in real news text.

/** mulberry32: a tiny seeded PRNG, so every run builds the same data set. Returns 32-bit unsigned integers. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
export type Rng = ReturnType<typeof prng>;

/** A float in [0, 1). */
export const uniform = (rng: Rng) => rng() / 4294967296;
/** An integer in [0, n). */
export const below = (rng: Rng, n: number) => Math.floor(uniform(rng) * n);

/**
 * Draws ranks 0..n-1 with probability ∝ 1/(rank+1)^s (Zipf). A 2^20-slot lookup table makes a draw one
 * array read: millions of words per second are needed for a million 4 KB articles. Every rank keeps at
 * least one slot, so the rarest words still occur (slightly more often than the exact law says).
 */
export function zipf(n: number, s = 1): (rng: Rng) => number {
  const SLOTS = 1 << 20;
  const weights = Array.from({ length: n }, (_, r) => 1 / Math.pow(r + 1, s));
  const total = weights.reduce((a, b) => a + b, 0);
  const table = new Uint16Array(SLOTS);
  let slot = 0;
  for (let r = 0; r < n; r++) {
    const share = Math.max(1, Math.round((weights[r] / total) * SLOTS));
    table.fill(r, slot, Math.min(SLOTS, slot + share));
    slot += share;
    if (slot >= SLOTS) break;
  }
  table.fill(n - 1, Math.min(slot, SLOTS));
  return (rng) => table[rng() >>> 12];
}

// English: the most frequent words of news text first (function words, which the english text search
// configuration drops, then newsroom words), then made-up words for the long tail.
const EN_STOP = (
  'the of to and a in that for is on was with said he as at by it from his be has have an are were its ' +
  'but not this which will after who they their been had would more or up about also than one over into ' +
  'when we there could out some all can two what so other new three our'
).split(' ');
const EN_HEAD = (
  'year government people police minister president city state police court report election market company ' +
  'river flood council budget harbour school hospital bridge railway festival drought strike factory vaccine ' +
  'typhoon museum stadium coast energy solar port rice export village reform tariff startup transit heritage ' +
  'monsoon airport district water climate housing week month official country national police party leader ' +
  'public health money bank trade economy price growth worker union family child women student teacher ' +
  'police army border military security war peace talks deal plan project policy law rule vote parliament ' +
  'senate campaign candidate mayor governor province region island mountain forest farm crop fish storm ' +
  'rain heat fire smoke air pollution traffic road car bus train ship flight tourism hotel restaurant ' +
  'film music book art game team player coach match goal season league final title record champion ' +
  'scientist research study data technology internet phone software chip factory plant power grid coal ' +
  'oil gas fuel tax debt loan investor share stock profit loss revenue cost salary job protest rally ' +
  'victim suspect arrest trial judge prison charge crime fraud scandal investigation inquiry witness ' +
  'doctor patient disease virus outbreak medicine treatment clinic nurse emergency rescue damage ' +
  'earthquake landslide evacuation shelter aid donor charity volunteer community resident neighbour ' +
  'street district centre office building tower park garden beach lake canal dam reservoir pipeline'
)
  .split(/\s+/)
  .filter((w, i, all) => all.indexOf(w) === i);

/** Pronounceable made-up words: consonant-vowel syllables, never ending in "s" (the stemmer would fold them). */
function madeUpWords(count: number, taken: Set<string>, rng: Rng): string[] {
  const onsets = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 't', 'v', 'z', 'br', 'dr', 'gr', 'kl', 'st', 'tr'];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
  const codas = ['', '', 'n', 'r', 'l', 'm', 'k', 't'];
  const out: string[] = [];
  while (out.length < count) {
    let word = '';
    const syllables = 2 + below(rng, 2);
    for (let i = 0; i < syllables; i++) word += onsets[below(rng, onsets.length)] + vowels[below(rng, vowels.length)];
    word += codas[below(rng, codas.length)];
    if (!taken.has(word)) {
      taken.add(word);
      out.push(word);
    }
  }
  return out;
}

// Chinese: frequent function characters, then newsroom words, then two-character words from common characters.
const ZH_STOP = '的 了 在 是 和 有 也 不 这 对 将 与 为 等 中 上 已 并 从 被'.split(' ');
const ZH_HEAD = (
  '政府 记者 表示 经济 市场 发展 国家 城市 警方 法院 选举 预算 议会 河流 洪水 港口 学校 医院 桥梁 铁路 ' +
  '节日 干旱 部长 罢工 工厂 疫苗 台风 博物馆 体育场 海岸 能源 太阳能 出口 大米 村庄 改革 关税 交通 遗产 ' +
  '季风 机场 地区 水资源 气候 住房 总统 公司 银行 贸易 价格 增长 工人 家庭 学生 教师 军队 边境 安全 ' +
  '和平 谈判 计划 项目 政策 法律 投票 候选人 市长 省份 岛屿 森林 农场 渔业 暴雨 高温 火灾 污染 ' +
  '航班 旅游 酒店 电影 音乐 比赛 球队 冠军 科学家 研究 数据 技术 手机 芯片 电力 石油 天然气 税收 ' +
  '债务 投资者 股票 利润 收入 工资 就业 抗议 嫌疑人 审判 法官 监狱 调查 医生 病人 病毒 治疗 救援 ' +
  '地震 山体滑坡 疏散 援助 社区 居民 街道 中心 公园 湖泊 水库'
).split(' ');
const ZH_CHARS =
  '国人年大中上民会来时地们出就分对成发生作行家可方后多经学动同工面主定种进本开长产现实所东化' +
  '力理法水高自二度当起与物前加都两体制机政外第使市三意全关明事点力业里资建路调表军期区革程' +
  '海信报电变设金部通安科商收育治近农河南北西城乡村镇港湾岸岛山林田雨风雪云火光春夏秋冬';

function madeUpZhWords(count: number, taken: Set<string>, rng: Rng): string[] {
  const chars = Array.from(ZH_CHARS);
  const out: string[] = [];
  while (out.length < count) {
    const len = below(rng, 5) === 0 ? 3 : 2;
    let word = '';
    for (let i = 0; i < len; i++) word += chars[below(rng, chars.length)];
    if (!taken.has(word)) {
      taken.add(word);
      out.push(word);
    }
  }
  return out;
}

export interface Vocabulary {
  /** Words by frequency rank, most frequent first. */
  words: string[];
  /** Ranks below this are function words (dropped or near-useless in search). */
  stopCount: number;
  draw: (rng: Rng) => number;
}

/**
 * Words per language. With Zipf's law (s = 1) and ~600 words per article, the word of rank r appears in about
 * 1 - exp(-600 / (r · H)) of the articles: with 5,000 words even the rarest would match 1.6 % of a million
 * articles (16,000 hits to rank), with 20,000 the rarest match 0.3 % and rank 1,000 about 5 %.
 */
export const EN_VOCABULARY_SIZE = 20_000;
export const ZH_VOCABULARY_SIZE = 5000;

function vocabulary(stop: string[], head: string[], size: number, tail: (count: number, taken: Set<string>, rng: Rng) => string[]): Vocabulary {
  const headOnly = head.filter((w) => !stop.includes(w));
  const taken = new Set([...stop, ...headOnly]);
  const words = [...stop, ...headOnly, ...tail(size - stop.length - headOnly.length, taken, prng(7))];
  return { words, stopCount: stop.length, draw: zipf(words.length, 1) };
}

export const EN = vocabulary(EN_STOP, EN_HEAD, EN_VOCABULARY_SIZE, madeUpWords);
export const ZH = vocabulary(ZH_STOP, ZH_HEAD, ZH_VOCABULARY_SIZE, madeUpZhWords);

/** One word by Zipf rank. */
export const word = (v: Vocabulary, rng: Rng) => v.words[v.draw(rng)];

/** A word that is not a function word: titles, headings and tags are mostly made of these. */
export function contentWord(v: Vocabulary, rng: Rng): string {
  for (;;) {
    const r = v.draw(rng);
    if (r >= v.stopCount) return v.words[r];
  }
}

const capitalize = (s: string) => s[0].toUpperCase() + s.slice(1);

/** An English sentence of `n` Zipf words, capitalized, with the odd comma, ending in a period. */
export function enSentence(rng: Rng, n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(word(EN, rng));
  if (n > 8) parts[3 + below(rng, n - 6)] += ',';
  return capitalize(parts.join(' ')) + '.';
}

/** English words joined by spaces, content words only: titles and headings. */
export function enPhrase(rng: Rng, n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(contentWord(EN, rng));
  return capitalize(parts.join(' '));
}

/** A Chinese sentence of `n` Zipf words (no spaces), with a comma in the middle, ending in 。 */
export function zhSentence(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (i === n >> 1 ? '，' : '') + word(ZH, rng);
  return s + '。';
}

export function zhPhrase(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += contentWord(ZH, rng);
  return s;
}
