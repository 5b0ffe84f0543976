import { parseSeriesKey, seriesKey } from '../../../src/forecasts';
import { openDays } from '../../../src/forecasts/calendar.service';
import { dayOfDate, weekdayOfDay } from '../../../src/forecasts/days';

describe('series keys', () => {
  it('parse back to the series they name, even with a colon in a category', () => {
    const ids = [
      { storeId: null, category: null },
      { storeId: 'store-1', category: null },
      { storeId: null, category: 'Drinks > Beer: 6-packs' },
      { storeId: 'store-1', category: 'category:odd' },
    ];
    for (const id of ids) {
      const key = seriesKey(id);
      expect(parseSeriesKey(key)).toMatchObject(id);
    }
    expect(parseSeriesKey('merchant')?.level).toBe('merchant');
    expect(parseSeriesKey(`store:s1:category:dairy`)?.level).toBe('store-category');
  });

  it('name no series when malformed', () => {
    for (const key of ['', 'store:', 'category:', 'store:s1:dairy', 'store:s1category:dairy', 'shop:1', `store:${'x'.repeat(37)}`, `category:${'x'.repeat(65)}`]) {
      expect(parseSeriesKey(key)).toBeNull();
    }
  });
});

describe('merchant calendar', () => {
  it('counts ISO weekdays from a Thursday epoch', () => {
    expect(weekdayOfDay(0)).toBe(4);
    expect(weekdayOfDay(dayOfDate('2026-10-04'))).toBe(7);
    expect(weekdayOfDay(dayOfDate('2026-10-05'))).toBe(1);
  });

  it('closes the closed weekdays and dates', () => {
    const from = dayOfDate('2026-10-01');
    const open = openDays({ closedWeekdays: [7], closedDays: [{ date: '2026-10-06', name: 'Stocktaking' }] }, from, 7);
    // Thu, Fri, Sat, Sun (closed), Mon, Tue (stocktaking), Wed.
    expect(open).toEqual([true, true, true, false, true, false, true]);
  });
});
