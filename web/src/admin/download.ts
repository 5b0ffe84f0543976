import { staffSlot } from '../api/sessions';

/**
 * Downloads a CSV export under the name the server gives it. Fetched with the
 * staff token, because a plain link would carry no Authorization header.
 */
export async function downloadCsv(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${staffSlot.get()?.accessToken ?? ''}` } });
  if (!res.ok) throw new Error(`${fallbackName}: ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  a.click();
  URL.revokeObjectURL(url);
}
