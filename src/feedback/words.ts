import type { Band } from './scores';

/**
 * Words too common to say anything about a shop, in the languages the shop
 * pages are written in. Chinese and Thai function words are left to the
 * single-character rule below.
 */
const STOP_WORDS = new Set(
  [
    // en
    'a an the and or but if of to in on at for with from by is are was were be been am i me my we our you your it its this that these those there here they them their he she his her not no so very too just all any some more most than then as do did does have has had will would can could should about what which who when where why how also really much many get got',
    // ru
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между очень это',
    // zh
    '的 了 是 在 和 也 就 都 而 及 与 着 或 一个 没有 我们 你们 他们 她们 这 那 这个 那个 很 吗 呢 吧 啊',
    // th
    'และ ที่ ของ ใน เป็น มี ได้ ไม่ ก็ จะ ให้ กับ ว่า แต่ หรือ นี้ นั้น มาก ครับ ค่ะ คะ',
  ]
    .join(' ')
    .split(/\s+/),
);

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(language: string): Intl.Segmenter {
  let s = segmenters.get(language);
  if (!s) {
    s = new Intl.Segmenter(language, { granularity: 'word' });
    segmenters.set(language, s);
  }
  return s;
}

/**
 * The words of a comment, lower-cased, without punctuation, numbers and stop
 * words. Intl.Segmenter splits Chinese and Thai, which write no spaces
 * between words, by its dictionary; a single Latin or Cyrillic letter, a
 * lone CJK character that is a stop word, and pure digits are dropped.
 */
export function wordsOf(text: string, language: string): string[] {
  const words: string[] = [];
  for (const part of segmenterFor(language).segment(text.normalize('NFKC'))) {
    if (!part.isWordLike) continue;
    const word = part.segment.toLocaleLowerCase(language);
    if (/^\p{N}+$/u.test(word) || STOP_WORDS.has(word)) continue;
    if (/^[\p{Script=Latin}\p{Script=Cyrillic}]$/u.test(word)) continue;
    words.push(word);
  }
  return words;
}

export interface WordCount {
  word: string;
  /** In how many comments of the band it appears (a word repeated in one comment counts once). */
  comments: number;
}

/** Counts words per band over comments given one by one; `top` gives each band's most used. */
export class WordTally {
  private readonly counts = new Map<Band, Map<string, number>>();
  private readonly commentsPerBand = new Map<Band, number>();

  add(band: Band, comment: string, language: string): void {
    const words = new Set(wordsOf(comment, language));
    this.commentsPerBand.set(band, (this.commentsPerBand.get(band) ?? 0) + 1);
    let counts = this.counts.get(band);
    if (!counts) this.counts.set(band, (counts = new Map()));
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  }

  top(band: Band, n: number): { comments: number; words: WordCount[] } {
    const counts = [...(this.counts.get(band) ?? new Map<string, number>())];
    counts.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return { comments: this.commentsPerBand.get(band) ?? 0, words: counts.slice(0, n).map(([word, comments]) => ({ word, comments })) };
  }
}
