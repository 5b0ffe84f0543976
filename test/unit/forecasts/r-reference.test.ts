import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { etsFilter, etsForecast, etsInitialState, fitEts } from '../../../src/forecasts/models/ets';
import { seasonalNaive } from '../../../src/forecasts/models/seasonal-naive';
import { seasonalFigure, type Forecast } from '../../../src/forecasts/models/series';
import { fitTheta, hasSeason, thetaForecast } from '../../../src/forecasts/models/theta';

// Reference values computed by R's forecast package (scripts/reference/forecast.R)
// on the UCI Online Retail daily sales: with R's parameters our functions must
// give R's numbers; fitted by ourselves they must fit about as well.
interface RForecast { mean: number[]; lower80: number[]; upper80: number[]; lower95: number[]; upper95: number[] }
interface RPeriod {
  period: number;
  seasonalNaive: RForecast;
  ets: {
    alpha: number; beta: number; gamma: number; phi: number;
    initialLevel: number; initialTrend: number; initialSeason: number[];
    finalLevel: number; finalTrend: number; finalSeason: number[];
    logLik: number; sigma2: number; residuals: number[]; forecast: RForecast;
  };
  theta: { seasonal: boolean; figure: number[]; alpha: number; level0: number; forecast: RForecast };
}
const reference = JSON.parse(readFileSync(join(__dirname, '../../fixtures/forecasts/r-forecast.json'), 'utf8')) as {
  horizon: number; values: number[]; periods: RPeriod[];
};
const { values: y, horizon: h } = reference;

/** Relative closeness, with an absolute floor for values near zero. */
function expectClose(actual: readonly number[], expected: readonly number[], relative = 1e-7) {
  expect(actual).toHaveLength(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  actual.forEach((a, i) => expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(relative * scale));
}
function expectSameForecast(actual: Forecast, expected: RForecast, relative = 1e-7) {
  for (const key of ['mean', 'lower80', 'upper80', 'lower95', 'upper95'] as const) expectClose(actual[key], expected[key], relative);
}

describe.each(reference.periods)('against R forecast 8.20 with a season of $period', (r) => {
  const m = r.period;

  it('seasonal naive equals snaive: mean and 80/95 % intervals', () => {
    expectSameForecast(seasonalNaive(y, h, m), r.seasonalNaive);
  });

  it("ETS(A,Ad,A) run with R's fitted parameters and initial state gives R's residuals, final state, likelihood and forecast", () => {
    const params = { alpha: r.ets.alpha, beta: r.ets.beta, gamma: r.ets.gamma, phi: r.ets.phi };
    const run = etsFilter(y, params, { level: r.ets.initialLevel, trend: r.ets.initialTrend, season: r.ets.initialSeason });
    expectClose(run.residuals, r.ets.residuals);
    expect(run.final.level).toBeCloseTo(r.ets.finalLevel, 4);
    expect(run.final.trend).toBeCloseTo(r.ets.finalTrend, 4);
    expectClose(run.final.season, r.ets.finalSeason);
    expect(run.logLik).toBeCloseTo(r.ets.logLik, 6);
    expectSameForecast(etsForecast(run.final, params, r.ets.sigma2, h), r.ets.forecast);
  });

  it('ETS fitted here reaches the likelihood R reaches, and a forecast close to R', () => {
    // Moving the initial state too (as R does) fits at least as well as R.
    const full = fitEts(y, { period: m, optimizeInitialState: true });
    expect(full.logLik).toBeGreaterThanOrEqual(r.ets.logLik - 1e-6);
    // The quick fit keeps R's starting state; the log-likelihood is −½·n·ln(SSE),
    // so 0.5 below R is an SSE at most 0.4 % larger.
    const quick = fitEts(y, { period: m });
    expect(quick.logLik).toBeGreaterThan(r.ets.logLik - 0.5);
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    for (const fit of [full, quick]) {
      const fc = etsForecast(fit.final, fit.params, fit.sigma2, h);
      expect(Math.abs(total(fc.mean) - total(r.ets.forecast.mean)) / total(r.ets.forecast.mean)).toBeLessThan(0.1);
    }
  });

  it("ETS's starting state follows R's initstate (decomposition figure, line through the adjusted start)", () => {
    const start = etsInitialState(y, m);
    const additive = seasonalFigure(y, m, 'additive');
    expect(start.season[m - 1]).toBeCloseTo(additive[0], 6);
    expect(start.season[0]).toBeCloseTo(additive[m - 1], 6);
  });

  it("Theta: the same seasonal test and multiplicative figure as thetaf, and with R's SES parameters its forecast", () => {
    expect(hasSeason(y, m)).toBe(r.theta.seasonal);
    expectClose(seasonalFigure(y, m, 'multiplicative'), r.theta.figure, 1e-9);
    const figure = r.theta.seasonal ? seasonalFigure(y, m, 'multiplicative') : null;
    expectSameForecast(thetaForecast(y, { ses: { alpha: r.theta.alpha, level0: r.theta.level0 }, figure }, h, m), r.theta.forecast);
  });

  it('Theta fitted here finds the SES parameters R finds', () => {
    const fit = fitTheta(y, m);
    expect(fit.ses.alpha).toBeCloseTo(r.theta.alpha, 3);
    expectSameForecast(thetaForecast(y, fit, h, m), r.theta.forecast, 1e-3);
  });
});
