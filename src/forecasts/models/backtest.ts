import { etsFilter, etsForecast, fitEts } from './ets';
import { seasonalNaive, seasonalNaiveScale } from './seasonal-naive';
import { WEEK, type Forecast } from './series';
import { fitTheta, thetaForecast } from './theta';
import { weekdayAverage } from './weekday-average';

export const METHODS = ['seasonal-naive', 'weekday-average', 'ets', 'theta'] as const;
export type Method = (typeof METHODS)[number];

/**
 * A method fitted once: forecasts h days after any prefix of the series it was
 * fitted on or extends. The backtest fits on the data before its first origin
 * and moves the origin with the parameters held, so no origin sees its future.
 */
export type Forecaster = (history: readonly number[], h: number) => Forecast;

/** The fewest days each method can be fitted on. */
export const MIN_DAYS: Record<Method, number> = { 'seasonal-naive': WEEK, 'weekday-average': WEEK, ets: 2 * WEEK + 2, theta: 3 };

export function fitMethod(method: Method, y: readonly number[]): Forecaster {
  switch (method) {
    case 'seasonal-naive':
      return (history, h) => seasonalNaive(history, h);
    case 'weekday-average':
      return (history, h) => weekdayAverage(history, h);
    case 'ets': {
      const fit = fitEts(y);
      return (history, h) => {
        const run = history.length === y.length ? fit : etsFilter(history, fit.params, fit.initial);
        return etsForecast(run.final, fit.params, fit.sigma2, h);
      };
    }
    case 'theta': {
      const fit = fitTheta(y);
      return (history, h) => thetaForecast(history, fit, h);
    }
  }
}

export interface MethodScore {
  method: Method;
  /** Mean absolute error over the open backtest days: what the methods are ranked by. */
  mae: number;
  /** Mean absolute error over the backtest days divided by the in-sample seasonal naive one. */
  mase: number;
  /** Σ|error| / Σ actual over the backtest days. */
  wape: number;
  /** The largest error of a week's total, as a share of that week's actual total. */
  worstWeek: number;
  /** Share of backtest days whose actual fell inside the 80 % interval. */
  coverage80: number;
}

export interface Backtest {
  weeks: number;
  /** One score per method that could be fitted, best first. */
  scores: MethodScore[];
  /** Each scored method as fitted on the days before the first origin. */
  fitted: Partial<Record<Method, Forecaster>>;
}

/**
 * Rolling-origin backtest over the last `weeks` weeks: from each week's first
 * day, forecast the 7 days ahead with every method, and score them on the
 * days the merchant was open (MASE scaled by the seasonal naive in-sample MAE
 * of the data before the first origin). Returns null when the data before the
 * first origin are too few to score (fewer than three weeks).
 */
export function backtest(y: readonly number[], open: readonly boolean[], weeks = 8, methods: readonly Method[] = METHODS): Backtest | null {
  const firstOrigin = y.length - weeks * WEEK;
  if (weeks < 1 || firstOrigin < 3 * WEEK) return null;
  const train = y.slice(0, firstOrigin);
  const scale = seasonalNaiveScale(train);
  const scores: MethodScore[] = [];
  const fitted: Partial<Record<Method, Forecaster>> = {};
  for (const method of methods) {
    if (train.length < MIN_DAYS[method]) continue;
    const forecaster = fitMethod(method, train);
    fitted[method] = forecaster;
    let absolute = 0;
    let actual = 0;
    let days = 0;
    let inside = 0;
    let worstWeek = 0;
    for (let origin = firstOrigin; origin + WEEK <= y.length; origin += WEEK) {
      const f = forecaster(y.slice(0, origin), WEEK);
      let weekForecast = 0;
      let weekActual = 0;
      for (let i = 0; i < WEEK; i++) {
        if (!open[origin + i]) continue;
        const value = y[origin + i];
        absolute += Math.abs(value - f.mean[i]);
        actual += value;
        days += 1;
        if (value >= f.lower80[i] && value <= f.upper80[i]) inside += 1;
        weekForecast += f.mean[i];
        weekActual += value;
      }
      if (weekActual > 0) worstWeek = Math.max(worstWeek, Math.abs(weekForecast - weekActual) / weekActual);
    }
    if (days === 0) return null;
    scores.push({ method, mae: absolute / days, mase: scale > 0 ? absolute / days / scale : NaN, wape: actual > 0 ? absolute / actual : NaN, worstWeek, coverage80: inside / days });
  }
  // Same scale for every method, so ranking by MAE is ranking by MASE (and holds when the scale is 0).
  scores.sort((a, b) => a.mae - b.mae);
  return { weeks, scores, fitted };
}
