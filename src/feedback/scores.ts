/** The merchant's question: NPS ("how likely to recommend us", 0–10) or CSAT ("how satisfied", 1–5). */
export const SCALES = ['nps', 'csat'] as const;
export type Scale = (typeof SCALES)[number];

/** Promoters, passives and detractors for NPS; satisfied, neutral and dissatisfied for CSAT, under the same three names. */
export const BANDS = ['promoter', 'passive', 'detractor'] as const;
export type Band = (typeof BANDS)[number];

export const SCALE_RANGE: Record<Scale, { min: number; max: number }> = { nps: { min: 0, max: 10 }, csat: { min: 1, max: 5 } };

/** NPS: 9–10 promote, 7–8 are passive, 0–6 detract. CSAT: 4–5 are satisfied, 3 neutral, 1–2 dissatisfied. */
export function bandOf(scale: Scale, score: number): Band {
  if (scale === 'nps') return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
  return score >= 4 ? 'promoter' : score === 3 ? 'passive' : 'detractor';
}

export function inRange(scale: Scale, score: number): boolean {
  const { min, max } = SCALE_RANGE[scale];
  return Number.isInteger(score) && score >= min && score <= max;
}

export interface BandCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/**
 * The headline figure of a group of answers, or null without answers. NPS is
 * the share of promoters less the share of detractors (−100…100); CSAT the
 * share of satisfied answers (0…100). Rounded to one decimal.
 */
export function headline(scale: Scale, c: BandCounts): number | null {
  const total = c.promoters + c.passives + c.detractors;
  if (total === 0) return null;
  const value = scale === 'nps' ? ((c.promoters - c.detractors) * 100) / total : (c.promoters * 100) / total;
  return Math.round(value * 10) / 10;
}

/** A detractor's answer or a complaint opens a case; which one opened it is kept. */
export function caseReason(band: Band, complaint: boolean): 'complaint' | 'detractor' | null {
  if (complaint) return 'complaint';
  return band === 'detractor' ? 'detractor' : null;
}
