import type { Deps } from '../deps';
import { defineModule } from '../module';
import { FeedbackAnswer } from './feedback-answer.entity';
import { FeedbackCaseNote } from './feedback-case-note.entity';
import { FeedbackCase } from './feedback-case.entity';
import { FeedbackSettings } from './feedback-settings.entity';
import { feedbackRoutes } from './feedback.routes';
import { FeedbackService, type FeedbackServiceUses } from './feedback.service';

/** Shopper feedback tied to purchases (NPS or CSAT), its automatic thank-you, the cases it opens and the reports over it. */
export const feedbackModule = defineModule({
  name: 'feedback',
  entities: [FeedbackSettings, FeedbackAnswer, FeedbackCase, FeedbackCaseNote],
  uses: ['analytics', 'members', 'merchants', 'notifications', 'purchases', 'rateLimits', 'staff'],
  create: (deps: Deps, use: FeedbackServiceUses) => ({ feedback: new FeedbackService(deps, use) }),
  routes: feedbackRoutes,
});
