// Sales forecasts (issue 11): pure methods on daily series; see docs/forecasts.md.
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
