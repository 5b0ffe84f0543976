import type { Deps } from '../deps';
import { defineModule } from '../module';
import { ForecastCalendar } from './calendar.entity';
import { CalendarService } from './calendar.service';
import { ForecastRun } from './forecast-run.entity';
import { ForecastRuns, type ForecastRunsUses } from './forecast-runs.service';
import { ForecastedSeries } from './forecasted-series.entity';
import { forecastsJobs } from './forecasts.jobs';
import { forecastsRoutes } from './forecasts.routes';
import { ForecastsService } from './forecasts.service';

/** Sales forecasts: the merchant calendar, runs over every daily sales series, their API (docs/forecasts.md). */
export const forecastsModule = defineModule({
  name: 'forecasts',
  entities: [ForecastCalendar, ForecastRun, ForecastedSeries],
  uses: ['merchants', 'purchaseFigures'],
  create: (deps: Deps, use: ForecastRunsUses) => {
    const calendars = new CalendarService(deps);
    return { calendars, forecastRuns: new ForecastRuns(deps, use, calendars), forecasts: new ForecastsService(deps, use, calendars) };
  },
  routes: forecastsRoutes,
  jobs: forecastsJobs,
});
