import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatDateTime, formatNumber } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, Field, TableWrap, useLoad } from '../ui/kit';

/** The server prints at most this many coupons per sheet (a bigger batch prints as several). */
const SHEET_CODES = 500;

interface CodeBatch {
  id: string;
  prefix: string;
  count: number;
  used: number;
  createdAt: string;
}

/**
 * Single-use coupon codes of an offer with trigger `code`: generate a batch,
 * download it as CSV (for a mailing or a printer) or print the A4 sheet of
 * QR codes here. Mounted by the offer's page; `offerId` is an offer the
 * caller knows to be a code offer.
 */
export function OfferCodes({ offerId }: { offerId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [count, setCount] = useState('100');
  const [prefix, setPrefix] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [generated, setGenerated] = useState(0);
  const [sheet, setSheet] = useState<string | null>(null);
  const frame = useRef<HTMLIFrameElement>(null);
  const listed = useLoad((signal) => api<{ items: CodeBatch[] }>(`/v1/offers/${offerId}/code-batches`, { session: staffSession, signal }), [offerId, generated]);
  const batches = listed.data?.items ?? [];
  const fields = fieldErrors(error);
  const base = `/v1/offers/${offerId}/code-batches`;

  async function generate(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api(base, { session: staffSession, body: { count: Number(count), ...(prefix.trim() ? { prefix: prefix.trim() } : {}) } });
      setGenerated((n) => n + 1);
    } catch (err) {
      setError(err);
    }
  }

  async function download(batch: CodeBatch) {
    try {
      const csv = await api<string>(`${base}/${batch.id}/codes.csv`, { session: staffSession });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `coupons-${batch.id}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    }
  }

  async function showSheet(batch: CodeBatch, offset: number) {
    try {
      setSheet(await api<string>(`${base}/${batch.id}/sheet.html?offset=${offset}&limit=${SHEET_CODES}`, { session: staffSession }));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="stack" aria-labelledby="offer-codes-title">
      <h2 id="offer-codes-title">{t('offerCodes.title')}</h2>
      <p className="muted">{t('offerCodes.intro')}</p>
      <ErrorBanner error={error ?? listed.error} />
      <form className="card row no-print" onSubmit={generate}>
        <Field label={t('offerCodes.count')} value={count} onChange={(e) => setCount(e.target.value.replace(/\D/g, ''))} inputMode="numeric" required error={fields.count} />
        <Field label={t('offerCodes.prefix')} value={prefix} onChange={(e) => setPrefix(e.target.value)} hint={t('offerCodes.prefixHint')} error={fields.prefix} maxLength={12} />
        <button type="submit" className="btn btn-primary">
          {t('offerCodes.generate')}
        </button>
      </form>
      {batches.length === 0 ? (
        listed.data && <p className="muted no-print">{t('offerCodes.none')}</p>
      ) : (
        <TableWrap label={t('offerCodes.title')}>
          <table className="no-print" data-testid="code-batches">
            <thead>
              <tr>
                <th>{t('common.date')}</th>
                <th>{t('offerCodes.prefix')}</th>
                <th className="num">{t('offerCodes.count')}</th>
                <th className="num">{t('offerCodes.used')}</th>
                <th>
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => (
                <tr key={b.id}>
                  <td>{formatDateTime(b.createdAt, locale)}</td>
                  <td>{b.prefix}</td>
                  <td className="num">{formatNumber(b.count, locale)}</td>
                  <td className="num">{formatNumber(b.used, locale)}</td>
                  <td className="row">
                    {Array.from({ length: Math.ceil(b.count / SHEET_CODES) }, (_, i) => i * SHEET_CODES).map((offset) => (
                      <button key={offset} type="button" className="btn" onClick={() => showSheet(b, offset)}>
                        {t('offerCodes.sheet')}
                        {b.count > SHEET_CODES ? ` ${formatNumber(offset + 1, locale)}–${formatNumber(Math.min(offset + SHEET_CODES, b.count), locale)}` : ''}
                      </button>
                    ))}
                    <button type="button" className="btn" onClick={() => download(b)}>
                      {t('offerCodes.csv')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {sheet && (
        <section className="card">
          <div className="row no-print">
            <button type="button" className="btn btn-primary" onClick={() => frame.current?.contentWindow?.print()}>
              {t('terminal.print')}
            </button>
            <button type="button" className="btn" onClick={() => setSheet(null)}>
              {t('common.close')}
            </button>
          </div>
          {/* The server's sheet, shown without scripts; same origin only so it can be printed from here. */}
          <iframe ref={frame} title={t('offerCodes.sheet')} srcDoc={sheet} sandbox="allow-same-origin allow-modals" style={{ width: '100%', height: '70vh', border: '1px solid #ccc' }} />
        </section>
      )}
    </section>
  );
}
