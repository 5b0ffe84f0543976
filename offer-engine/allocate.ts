/**
 * Spreads a whole amount over weights by the largest remainder: each share
 * is the floor of its exact part, and the units left over go to the largest
 * remainders (ties to the lower position). The shares add up to `total`
 * exactly and, when `total` is at most the sum of the weights, no share is
 * above its weight. All zero weights: all zero shares.
 *
 * The same rule as the earning rules' `allocate` (src/rules/earning.ts);
 * written again here because the engine imports nothing from outside its folder.
 */
export function spread(total: number, weights: readonly number[]): number[] {
  const w = weights.map((x) => BigInt(Math.max(0, x)));
  const sum = w.reduce((a, b) => a + b, 0n);
  if (sum === 0n || total <= 0) return weights.map(() => 0);
  const t = BigInt(total);
  const shares = w.map((x) => Number((t * x) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = w.map((x, i) => ({ i, r: (t * x) % sum })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] += 1;
    left -= 1;
  }
  return shares;
}

/** amount × numerator / denominator, rounded half up, in integers. */
export function ratio(amount: number, numerator: number, denominator: number): number {
  return Number((BigInt(amount) * BigInt(numerator) * 2n + BigInt(denominator)) / (2n * BigInt(denominator)));
}
