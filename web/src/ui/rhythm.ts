import type { TFunction } from 'i18next';

/**
 * The words of a member's rhythm, shared by the back office and the till:
 * "usually weekly; last visit 4 weeks ago". Phrases never need a singular
 * (a rhythm of one day is "daily", one day ago is "yesterday", weeks from 2).
 */
export function rhythmWords(t: TFunction, usualGapDays: number): string {
  if (usualGapDays <= 1) return t('analytics.rhythm.daily');
  if (usualGapDays >= 6 && usualGapDays <= 8) return t('analytics.rhythm.weekly');
  if (usualGapDays >= 13 && usualGapDays <= 16) return t('analytics.rhythm.fortnightly');
  if (usualGapDays >= 28 && usualGapDays <= 32) return t('analytics.rhythm.monthly');
  return t('analytics.rhythm.everyDays', { count: usualGapDays });
}

export function agoWords(t: TFunction, days: number): string {
  if (days <= 0) return t('analytics.ago.today');
  if (days === 1) return t('analytics.ago.yesterday');
  if (days < 14) return t('analytics.ago.days', { count: days });
  if (days < 60) return t('analytics.ago.weeks', { count: Math.round(days / 7) });
  return t('analytics.ago.months', { count: Math.round(days / 30) });
}

/** "usually every 6 days; last visit 24 days ago", or only the last visit when no rhythm is known. */
export function reasonWords(t: TFunction, reason: { usualGapDays: number | null; daysSinceLast: number }): string {
  const ago = agoWords(t, reason.daysSinceLast);
  return reason.usualGapDays === null ? t('analytics.lastVisit', { ago }) : t('analytics.reason', { rhythm: rhythmWords(t, reason.usualGapDays), ago });
}

/** Segment names as the API sends them → their message keys. */
export const SEGMENT_KEYS: Record<string, string> = {
  Champions: 'champions',
  Loyal: 'loyal',
  'Potential loyalists': 'potential',
  New: 'new',
  'At risk': 'atRisk',
  "Can't lose": 'cantLose',
  Hibernating: 'hibernating',
  Lost: 'lost',
  'New member': 'newMember',
};
