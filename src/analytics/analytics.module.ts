import type { Deps } from '../deps';
import { defineModule } from '../module';
import { analyticsJobs } from './analytics.jobs';
import { analyticsRoutes } from './analytics.routes';
import { AnalyticsService, type AnalyticsUses } from './analytics.service';
import { analyticsSubscribers } from './analytics.subscribers';
import { MemberFacts } from './member-facts.entity';
import { MemberFactsService } from './member-facts.service';
import { MemberScore } from './member-score.entity';
import { ProductScore } from './product-score.entity';
import { ScoreRun } from './score-run.entity';
import { AnalyticsScoring } from './scoring.service';

/** Member analytics: facts kept from purchase events, scoring runs (RFM, ABC, churn, CLV) and their API (docs/analytics.md). */
export const analyticsModule = defineModule({
  name: 'analytics',
  entities: [MemberFacts, ScoreRun, MemberScore, ProductScore],
  uses: ['members', 'merchants', 'memberPurchaseSources'],
  create: (deps: Deps, use: AnalyticsUses) => {
    const memberFacts = new MemberFactsService(deps, use);
    const analyticsScoring = new AnalyticsScoring(deps, use, memberFacts);
    return { memberFacts, analyticsScoring, analytics: new AnalyticsService(deps, use, memberFacts, analyticsScoring) };
  },
  routes: analyticsRoutes,
  jobs: analyticsJobs,
  subscribers: analyticsSubscribers,
});
