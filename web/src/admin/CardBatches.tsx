import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { formatDateTime, formatNumber } from '../format';
import { useLocale } from '../i18n';
import { ErrorBanner, Field, Pager, TableWrap, useLoad } from '../ui/kit';
import { PAGE_SIZE, type Page } from './admin-context';

/** The server prints at most this many cards per sheet (a bigger batch prints as several). */
const SHEET_CARDS = 500;

interface Batch {
  id: string;
  count: number;
  prefix: string;
  createdAt: string;
}

/** Pre-printed card batches: generate, download the CSV for a card printer, or print the A4 sheet here. */
export function CardBatches() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [count, setCount] = useState('100');
  const [prefix, setPrefix] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [generated, setGenerated] = useState(0);
  const [offset, setOffset] = useState(0);
  const [sheet, setSheet] = useState<string | null>(null);
  const frame = useRef<HTMLIFrameElement>(null);
  const listed = useLoad(
    (signal) => api<Page<Batch>>('/v1/card-batches', { session: staffSession, signal, query: { limit: PAGE_SIZE, offset } }),
    [generated, offset],
  );
  const batches = listed.data?.items ?? [];
  const fields = fieldErrors(error);

  async function generate(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api<Batch>('/v1/card-batches', { session: staffSession, body: { count: Number(count), ...(prefix.trim() ? { prefix: prefix.trim() } : {}) } });
      // The new batch is the newest: show the first page.
      setOffset(0);
      setGenerated((n) => n + 1);
    } catch (err) {
      setError(err);
    }
  }

  async function download(batch: Batch) {
    try {
      const csv = await api<string>(`/v1/card-batches/${batch.id}/cards.csv`, { session: staffSession });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `cards-${batch.id}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    }
  }

  async function showSheet(batch: Batch, offset: number) {
    try {
      setSheet(await api<string>(`/v1/card-batches/${batch.id}/sheet.html?offset=${offset}&limit=${SHEET_CARDS}`, { session: staffSession }));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <h1>{t('admin.nav.cards')}</h1>
      <ErrorBanner error={error ?? listed.error} />
      <form className="card row no-print" onSubmit={generate}>
        <Field label={t('cards.count')} value={count} onChange={(e) => setCount(e.target.value.replace(/\D/g, ''))} inputMode="numeric" required error={fields.count} />
        <Field label={t('cards.prefix')} value={prefix} onChange={(e) => setPrefix(e.target.value)} hint={t('cards.prefixHint')} error={fields.prefix} />
        <button type="submit" className="btn btn-primary">
          {t('cards.generate')}
        </button>
      </form>
      <TableWrap label={t('admin.nav.cards')}>
        <table className="no-print">
          <thead>
            <tr>
              <th>{t('common.date')}</th>
              <th className="num">{t('cards.count')}</th>
              <th>{t('cards.prefix')}</th>
              <th>
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {batches.map((b) => (
              <tr key={b.id}>
                <td>{formatDateTime(b.createdAt, locale)}</td>
                <td className="num">{formatNumber(b.count, locale)}</td>
                <td>{b.prefix}</td>
                <td className="row">
                  {Array.from({ length: Math.ceil(b.count / SHEET_CARDS) }, (_, i) => i * SHEET_CARDS).map((offset) => (
                    <button key={offset} type="button" className="btn" onClick={() => showSheet(b, offset)}>
                      {t('cards.sheet')}
                      {b.count > SHEET_CARDS ? ` ${formatNumber(offset + 1, locale)}–${formatNumber(Math.min(offset + SHEET_CARDS, b.count), locale)}` : ''}
                    </button>
                  ))}
                  <button type="button" className="btn" onClick={() => download(b)}>
                    {t('cards.csv')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {listed.data && listed.data.total === 0 && <p className="muted no-print">{t('cards.none')}</p>}
      {listed.data && listed.data.total > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} total={listed.data.total} onOffset={setOffset} />}
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
          <iframe ref={frame} title={t('cards.sheet')} srcDoc={sheet} sandbox="allow-same-origin allow-modals" style={{ width: '100%', height: '70vh', border: '1px solid #ccc' }} />
        </section>
      )}
    </>
  );
}
