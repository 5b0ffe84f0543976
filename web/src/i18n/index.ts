import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { Messages } from './en';

/** The four first-market languages; every file has every key (checked by the Messages type). */
export const LANGUAGES = [
  { code: 'en', label: 'English', locale: 'en' },
  { code: 'zh', label: '简体中文', locale: 'zh-CN' },
  { code: 'th', label: 'ไทย', locale: 'th-TH' },
  { code: 'ru', label: 'Русский', locale: 'ru-RU' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'tally.lang';

/** Maps any BCP 47 tag (a member's or user's preference, the browser's) to one we have. */
export function languageOf(tag: string | null | undefined): LanguageCode | null {
  if (!tag) return null;
  const base = tag.toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l.code === base)?.code ?? null;
}

function initialLanguage(): LanguageCode {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  return (
    languageOf(fromUrl) ??
    languageOf(localStorage.getItem(STORAGE_KEY)) ??
    navigator.languages.map(languageOf).find((l): l is LanguageCode => l !== null) ??
    'en'
  );
}

/**
 * Each language is its own chunk, fetched only when it is used: a Thai
 * shopper's phone downloads Thai, not the other three. Every file has every
 * key (the Messages type), so no fallback language has to be loaded with it.
 */
const LOADERS: Record<LanguageCode, () => Promise<Messages>> = {
  en: () => import('./en').then((m) => m.en),
  zh: () => import('./zh').then((m) => m.zh),
  th: () => import('./th').then((m) => m.th),
  ru: () => import('./ru').then((m) => m.ru),
};

async function load(code: LanguageCode): Promise<void> {
  if (!i18n.hasResourceBundle(code, 'translation')) i18n.addResourceBundle(code, 'translation', await LOADERS[code]());
}

/** Switches to a language once its messages have arrived, so no screen ever shows raw keys. */
async function switchTo(code: LanguageCode): Promise<void> {
  await load(code);
  await i18n.changeLanguage(code);
}

/** Starts i18next with the first language loaded; main.tsx renders after it resolves. */
export async function startI18n(): Promise<void> {
  const lng = initialLanguage();
  await i18n.use(initReactI18next).init({
    resources: { [lng]: { translation: await LOADERS[lng]() } },
    lng,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18n.language;
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

/** A choice the person made (switcher) is remembered; a profile preference only applies when they have not chosen. */
export function chooseLanguage(code: LanguageCode): void {
  localStorage.setItem(STORAGE_KEY, code);
  void switchTo(code);
}

export function applyPreferredLanguage(tag: string | null | undefined): void {
  const code = languageOf(tag);
  if (code && !localStorage.getItem(STORAGE_KEY) && !new URLSearchParams(window.location.search).get('lang')) void switchTo(code);
}

/** The Intl locale for the current language (zh → zh-CN, th → th-TH …). */
export function useLocale(): string {
  const { i18n: instance } = useTranslation();
  return LANGUAGES.find((l) => l.code === instance.language)?.locale ?? 'en';
}

export default i18n;
