// Sales forecasts (issue 11): pure methods on daily series, the runs that
// forecast every series of a merchant's sales, and reading them; see docs/forecasts.md.
import type { CalendarService } from './calendar.service';
import type { ForecastRuns } from './forecast-runs.service';
import type { ForecastsService } from './forecasts.service';

export type { CalendarService, ForecastRuns, ForecastsService };
export { MEASURES, LEVELS, parseSeriesKey, seriesKey, type Measure, type SeriesLevel } from './series-keys';
export { backtest, fitMethod, METHODS, MIN_DAYS, type Backtest, type Forecaster, type Method, type MethodScore } from './models/backtest';
export { etsFilter, etsForecast, etsInitialState, fitEts, type EtsFit, type EtsParams, type EtsState } from './models/ets';
export {
  DEFAULT_BACKTEST_WEEKS,
  DEFAULT_WINDOW,
  fillClosedDays,
  forecastSeries,
  type Accuracy,
  type SeriesForecast,
  type SeriesForecastOptions,
} from './models/forecast-series';
export { seasonalNaive, seasonalNaiveScale } from './models/seasonal-naive';
export { WEEK, type Forecast } from './models/series';
export { fitTheta, hasSeason, thetaForecast, type ThetaFit } from './models/theta';
export { weekdayAverage } from './models/weekday-average';
