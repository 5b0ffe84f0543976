import type { Deps } from '../deps';
import { ForecastCalendar, type ClosedDay } from './calendar.entity';
import { dayOfDate, weekdayOfDay } from './days';

export interface Calendar {
  closedWeekdays: number[];
  closedDays: ClosedDay[];
  updatedAt: string | null;
}

/** The merchant calendar: weekdays and dates the shops are closed, which the forecasts leave out and forecast as zero. */
export class CalendarService {
  constructor(private readonly deps: Deps) {}

  async calendar(merchantId: string): Promise<Calendar> {
    const row = await this.deps.db.manager.findOneBy(ForecastCalendar, { merchantId });
    return { closedWeekdays: row?.closedWeekdays ?? [], closedDays: row?.closedDays ?? [], updatedAt: row?.updatedAt.toISOString() ?? null };
  }

  /** Replaces the calendar (weekdays sorted, dates sorted and each once: the schema refuses a date given twice). */
  async setCalendar(merchantId: string, input: { closedWeekdays: number[]; closedDays: ClosedDay[] }, now = new Date()): Promise<Calendar> {
    const row = Object.assign(new ForecastCalendar(), {
      merchantId,
      closedWeekdays: [...new Set(input.closedWeekdays)].sort((a, b) => a - b),
      closedDays: [...input.closedDays].sort((a, b) => a.date.localeCompare(b.date)),
      updatedAt: now,
    } satisfies ForecastCalendar);
    await this.deps.db.transaction((tx) => tx.save(row));
    return { closedWeekdays: row.closedWeekdays, closedDays: row.closedDays, updatedAt: now.toISOString() };
  }
}

/** Whether the shops are open on each of `days` days from `fromDay` on. */
export function openDays(calendar: Pick<Calendar, 'closedWeekdays' | 'closedDays'>, fromDay: number, days: number): boolean[] {
  const closedWeekdays = new Set(calendar.closedWeekdays);
  const closedDays = new Set(calendar.closedDays.map((d) => dayOfDate(d.date)));
  return Array.from({ length: days }, (_, i) => !closedWeekdays.has(weekdayOfDay(fromDay + i)) && !closedDays.has(fromDay + i));
}
