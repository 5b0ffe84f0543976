import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { en } from './en';
import { ru } from './ru';
import { th } from './th';
import { zh } from './zh';

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

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh }, th: { translation: th }, ru: { translation: ru } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

document.documentElement.lang = i18n.language;
i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

/** A choice the person made (switcher) is remembered; a profile preference only applies when they have not chosen. */
export function chooseLanguage(code: LanguageCode): void {
  localStorage.setItem(STORAGE_KEY, code);
  void i18n.changeLanguage(code);
}

export function applyPreferredLanguage(tag: string | null | undefined): void {
  const code = languageOf(tag);
  if (code && !localStorage.getItem(STORAGE_KEY) && !new URLSearchParams(window.location.search).get('lang')) void i18n.changeLanguage(code);
}

/** The Intl locale for the current language (zh → zh-CN, th → th-TH …). */
export function useLocale(): string {
  const { i18n: instance } = useTranslation();
  return LANGUAGES.find((l) => l.code === instance.language)?.locale ?? 'en';
}

export default i18n;
