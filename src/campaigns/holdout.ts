import { createHash } from 'node:crypto';

/** The default share of a campaign's audience kept back as the control group. */
export const DEFAULT_HOLDOUT_PERCENT = 10;

/**
 * Whether a member belongs to a campaign's random holdout group. The draw is
 * a hash of the campaign and the member, so it is the same every time it is
 * asked (a member who joins the audience later, a retried job, another api
 * process) and independent between campaigns, yet as good as random: the
 * hash knows nothing about how much the member spends.
 */
export function isInHoldout(campaignId: string, memberId: string, holdoutPercent: number): boolean {
  if (!(holdoutPercent >= 0 && holdoutPercent <= 100)) throw new RangeError('holdoutPercent must be within 0–100');
  const digest = createHash('sha256').update(`${campaignId}\u0000${memberId}`).digest();
  // The first 32 bits as a uniform draw in [0, 1).
  return digest.readUInt32BE(0) / 2 ** 32 < holdoutPercent / 100;
}
