import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { staffSession } from '../api/sessions';
import { CardQr } from '../portal/CardQr';
import { brandStyle } from '../portal/brand';
import { ErrorBanner, Notice, useLoad } from '../ui/kit';
import { useAdmin } from './admin-context';

interface Poster {
  shop: { id: string; name: string; brandColor: string | null };
  portalPath: string;
  joinPath: string;
  shortPath: string;
  code: string;
}

/** Tally's own green, shown in the picker while the shop has no colour of its own. */
const DEFAULT_COLOUR = '#0b3d2e';

/**
 * The shop's printable poster (/admin/poster): a QR that opens the portal's
 * join page and a short address to type (/j/CODE), in the shop's colour,
 * which the owner picks here. Printing hides everything but the poster.
 */
export function PortalPoster() {
  const { t } = useTranslation();
  const { staff } = useAdmin();
  const poster = useLoad((signal) => api<Poster>('/v1/portal-poster', { session: staffSession, signal }), []);
  const [colour, setColour] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const p = poster.data;
  const shown = colour ?? p?.shop.brandColor ?? DEFAULT_COLOUR;
  const origin = window.location.origin;

  async function saveColour(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await api('/v1/merchant', { method: 'PATCH', session: staffSession, body: { brandColor: shown } });
      setSaved(true);
      poster.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <h1 className="no-print">{t('poster.title')}</h1>
      <p className="no-print">{t('poster.intro')}</p>
      <ErrorBanner error={poster.error ?? error} />
      {saved && <Notice>{t('common.saved')}</Notice>}
      {p && (
        <>
          <div className="row no-print" style={{ alignItems: 'end', flexWrap: 'wrap' }}>
            {staff.role === 'owner' && (
              <form className="row" style={{ alignItems: 'end' }} onSubmit={saveColour}>
                <div className="field">
                  <label htmlFor="poster-colour">{t('poster.colour')}</label>
                  <input id="poster-colour" type="color" value={shown} onChange={(e) => setColour(e.target.value)} />
                </div>
                <button type="submit" className="btn">
                  {t('poster.saveColour')}
                </button>
              </form>
            )}
            <button type="button" className="btn btn-primary" onClick={() => window.print()}>
              {t('poster.print')}
            </button>
          </div>
          <section className="poster" style={brandStyle(shown)} aria-label={t('poster.title')} data-testid="poster">
            <div className="poster-band">
              <h2>{t('poster.headline', { shop: p.shop.name })}</h2>
            </div>
            <p style={{ fontSize: '1.3rem' }}>{t('poster.scan')}</p>
            <div className="qr">
              <CardQr value={`${origin}${p.joinPath}`} label={t('poster.qrLabel', { shop: p.shop.name })} />
            </div>
            <p>{t('poster.orOpen')}</p>
            <p className="short" data-testid="poster-short">
              {`${origin.replace(/^https?:\/\//, '')}${p.shortPath}`}
            </p>
          </section>
        </>
      )}
    </>
  );
}
