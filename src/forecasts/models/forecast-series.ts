import { backtest, fitMethod, METHODS, MIN_DAYS, type Method, type MethodScore } from './backtest';
import { WEEK, type Forecast } from './series';

export interface SeriesForecastOptions {
  /** Days to forecast after the last value. */
  horizon: number;
  /** Whether the merchant is open on each day of the history and the horizon (length n + horizon); open every day when absent. */
  open?: readonly boolean[];
  /** Weeks of the rolling-origin backtest. */
  backtestWeeks?: number;
  /** The models see at most this many of the latest days (a year of training after the backtest weeks). */
  window?: number;
  methods?: readonly Method[];
  /**
   * Refit the chosen method on the whole window (default), or forecast with
   * its fit from the backtest, run on to the last day with its parameters
   * held: one fit fewer per series, for runs over thousands of series.
   */
  refit?: boolean;
}

export interface Accuracy {
  weeks: number;
  /** MASE of the chosen method and of the seasonal naive one on the same backtest. */
  mase: number;
  seasonalNaiveMase: number;
  /** 1 − MAE(chosen) / MAE(seasonal naive): "18 % better than same-day-last-week". */
  improvement: number;
  /** The largest error of a week's total: "within ±6 %". */
  worstWeek: number;
  wape: number;
  coverage80: number;
}

export interface SeriesForecast extends Forecast {
  method: Method;
  /** Null with a reason when the history is too short to measure. */
  accuracy: Accuracy | null;
  tooFewData: string | null;
  scores: MethodScore[];
}

export const DEFAULT_BACKTEST_WEEKS = 8;
export const DEFAULT_WINDOW = (52 + DEFAULT_BACKTEST_WEEKS) * WEEK;

/**
 * Closed days carry no sales but are not a weekday's pattern: before fitting,
 * each is replaced by the mean of its weekday's open days in the four weeks
 * around it (the weeks before first), so the models see an ordinary week.
 */
export function fillClosedDays(y: readonly number[], open: readonly boolean[]): number[] {
  return y.map((value, t) => {
    if (open[t]) return value;
    const around: number[] = [];
    for (const k of [-1, -2, -3, -4, 1, 2, 3, 4]) {
      const u = t + k * WEEK;
      if (u >= 0 && u < y.length && open[u]) around.push(y[u]);
      if (around.length === 4) break;
    }
    return around.length > 0 ? around.reduce((a, b) => a + b, 0) / around.length : 0;
  });
}

/**
 * Forecasts a daily series: backtests every method over the last weeks,
 * forecasts with the one of least MASE fitted on all the history, and gives
 * closed days in the horizon zero sales. Negative sales are cut to zero.
 * With fewer than a week of days there is nothing to forecast from (null).
 */
export function forecastSeries(values: readonly number[], options: SeriesForecastOptions): SeriesForecast | null {
  const { horizon, backtestWeeks = DEFAULT_BACKTEST_WEEKS, window = DEFAULT_WINDOW, methods = METHODS, refit = true } = options;
  const openAll = options.open ?? new Array<boolean>(values.length + horizon).fill(true);
  const cut = Math.max(0, values.length - window);
  const open = openAll.slice(cut);
  const y = fillClosedDays(values.slice(cut), open);
  if (y.length < WEEK) return null;

  const tested = backtest(y, open, backtestWeeks, methods);
  const chosen = tested?.scores[0]?.method ?? 'seasonal-naive';
  const usable = y.length >= MIN_DAYS[chosen] ? chosen : 'seasonal-naive';
  const forecast = ((!refit && tested?.fitted[usable]) || fitMethod(usable, y))(y, horizon);
  const closedAhead = (i: number) => !open[y.length + i];
  const clip = (xs: number[]) => xs.map((x, i) => (closedAhead(i) ? 0 : Math.max(0, x)));

  let accuracy: Accuracy | null = null;
  let tooFewData: string | null = null;
  const best = tested?.scores.find((s) => s.method === usable);
  const naive = tested?.scores.find((s) => s.method === 'seasonal-naive');
  if (tested && best && naive) {
    accuracy = {
      weeks: tested.weeks,
      mase: best.mase,
      seasonalNaiveMase: naive.mase,
      improvement: naive.mae > 0 ? 1 - best.mae / naive.mae : 0,
      worstWeek: best.worstWeek,
      wape: best.wape,
      coverage80: best.coverage80,
    };
  } else {
    tooFewData = `a backtest of ${backtestWeeks} weeks needs ${backtestWeeks + 3} weeks of history; there are ${Math.floor(y.length / WEEK)}`;
  }
  return {
    method: usable,
    mean: clip(forecast.mean),
    lower80: clip(forecast.lower80),
    upper80: clip(forecast.upper80),
    lower95: clip(forecast.lower95),
    upper95: clip(forecast.upper95),
    accuracy,
    tooFewData,
    scores: tested?.scores ?? [],
  };
}
