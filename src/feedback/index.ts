import type { FeedbackService, MemberGroups } from './feedback.service';

export { feedbackUrlOf } from './token';
export type { FeedbackService, MemberGroups };
export { BANDS, type Band } from './scores';
