import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import { terminalSession } from '../api/sessions';
import { ErrorBanner, Field, Notice } from '../ui/kit';
import type { TillProduct } from './till-types';

/**
 * Adds a product to the basket: a barcode scanned into the field (a wedge
 * scanner types into the focused field and presses Enter) or an item code
 * typed there is looked up in the catalogue; if no product has that code,
 * the text is searched in product names and the cashier picks one. The
 * line then carries the product's category, so excluded goods earn nothing.
 */
export function ProductAdd({ onAdd }: { onAdd: (product: TillProduct) => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [results, setResults] = useState<TillProduct[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  function add(product: TillProduct) {
    onAdd(product);
    setCode('');
    setResults(null);
  }

  async function submit() {
    const text = code.trim();
    if (!text) return;
    setError(null);
    setBusy(true);
    try {
      add(await api<TillProduct>(`/v1/pos/products/${encodeURIComponent(text)}`, { session: terminalSession }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        try {
          const found = await api<{ items: TillProduct[] }>('/v1/pos/products', { session: terminalSession, query: { q: text } });
          if (found.items.length === 1) add(found.items[0]);
          else setResults(found.items);
        } catch (searchError) {
          setError(searchError);
        }
      } else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack product-add">
      {/* Not a form: it sits inside the basket's form; Enter (a scanner ends with it) looks the code up instead of pricing the basket. */}
      <div className="row" role="search" aria-label={t('terminal.productSearch')}>
        <Field
          label={t('terminal.productCode')}
          hint={t('terminal.productCodeHint')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            void submit();
          }}
          autoComplete="off"
          maxLength={200}
        />
        <button type="button" className="btn" disabled={busy} onClick={() => void submit()}>
          {t('terminal.addProduct')}
        </button>
      </div>
      <ErrorBanner error={error} />
      {results !== null &&
        (results.length === 0 ? (
          <Notice kind="warn">{t('terminal.noProductFound', { code: code.trim() })}</Notice>
        ) : (
          <ul className="product-results" aria-label={t('terminal.productResults')}>
            {results.map((p) => (
              <li key={p.sku}>
                <button type="button" className="btn" onClick={() => add(p)}>
                  {p.name} · {p.category ?? t('terminal.noCategory')}
                </button>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}
