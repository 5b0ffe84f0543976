/**
 * Area under the ROC curve by the Mann–Whitney statistic: the chance that a
 * randomly chosen positive (e.g. a member who did not come back within N
 * days) scored higher than a randomly chosen negative, ties counting half.
 * 0.5 is a coin toss, 1 a perfect ranking. Null when either class is empty.
 */
export function auc(scores: readonly number[], positive: readonly boolean[]): number | null {
  if (scores.length !== positive.length) throw new RangeError('one label per score');
  const order = scores.map((s, i) => ({ s, p: positive[i] })).sort((x, y) => x.s - y.s);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j < order.length && order[j].s === order[i].s) j++;
    // Ranks i+1 … j share their average.
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (order[k].p) {
        positives++;
        rankSum += rank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The same AUC from counts per distinct score, as a GROUP BY gives them
 * (memory flat whatever the number of members): for each score, how many
 * positives and negatives had it.
 */
export function aucFromCounts(counts: readonly { score: number; positives: number; negatives: number }[]): number | null {
  const order = [...counts].sort((x, y) => x.score - y.score);
  let positives = 0;
  let negatives = 0;
  for (const c of order) {
    positives += c.positives;
    negatives += c.negatives;
  }
  if (positives === 0 || negatives === 0) return null;
  // Each positive beats the negatives scored lower and ties half of those scored the same.
  let wins = 0;
  let below = 0;
  let i = 0;
  while (i < order.length) {
    let p = 0;
    let n = 0;
    const score = order[i].score;
    for (; i < order.length && order[i].score === score; i++) {
      p += order[i].positives;
      n += order[i].negatives;
    }
    wins += p * (below + n / 2);
    below += n;
  }
  return wins / (positives * negatives);
}
