import { useMemo, type ChangeEvent } from 'react';
import { Select } from './kit';

/** The browser's IANA zones grouped by region, each with its offset now ("Asia/Bangkok (GMT+7)"). */
function zoneGroups(current: string): [string, { zone: string; label: string }[]][] {
  const zones = new Set(Intl.supportedValuesOf('timeZone'));
  // The saved value stays pickable even if this browser does not list it (e.g. "UTC" or an old alias).
  zones.add(current);
  zones.add('UTC');
  const now = new Date();
  const groups = new Map<string, { zone: string; label: string }[]>();
  for (const zone of [...zones].sort()) {
    let offset = '';
    try {
      offset = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(now).find((p) => p.type === 'timeZoneName')?.value ?? '';
    } catch {
      // An unknown zone (a stored value from elsewhere) is listed without its offset.
    }
    const region = zone.includes('/') ? zone.slice(0, zone.indexOf('/')) : 'UTC';
    const list = groups.get(region) ?? [];
    list.push({ zone, label: `${zone.replace(/_/g, ' ')}${offset ? ` (${offset})` : ''}` });
    groups.set(region, list);
  }
  return [...groups.entries()];
}

/** A time-zone picker (issue 14: free text let a typo through to the server's refusal). */
export function TimeZoneSelect({ label, value, onChange, error }: { label: string; value: string; onChange: (e: ChangeEvent<HTMLSelectElement>) => void; error?: string }) {
  const groups = useMemo(() => zoneGroups(value), [value]);
  return (
    <Select label={label} value={value} onChange={onChange} required error={error}>
      {groups.map(([region, zones]) => (
        <optgroup key={region} label={region}>
          {zones.map((z) => (
            <option key={z.zone} value={z.zone}>
              {z.label}
            </option>
          ))}
        </optgroup>
      ))}
    </Select>
  );
}
