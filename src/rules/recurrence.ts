// The recurrence evaluator is shared with the offer engine and lives in its folder (see docs/offers.md).
export {
  firstOccurrenceProblem,
  isScheduleActive as isPromotionActive,
  occursOn,
  parseRecurrence,
  PeriodSets,
  rruleProblem,
  type RecurrenceRule,
  type RecurrenceWork,
} from '../../offer-engine/recurrence';
