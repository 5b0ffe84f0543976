import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { staffSession } from '../api/sessions';
import { useLoad } from '../ui/kit';
import { useAdmin, type Page } from './admin-context';

interface Progress {
  store: boolean;
  till: boolean;
  program: boolean;
  cards: boolean;
}

/** Whether each first-run step is done, from what the shop has (one small read each). */
async function loadProgress(signal: AbortSignal): Promise<Progress> {
  const count = (path: string) => api<Page<unknown>>(path, { session: staffSession, signal, query: { limit: 1 } }).then((p) => p.total);
  const [stores, terminals, batches, program] = await Promise.all([
    count('/v1/stores'),
    count('/v1/terminals'),
    count('/v1/card-batches'),
    api<{ version: number }>('/v1/program', { session: staffSession, signal }),
  ]);
  return { store: stores > 0, till: terminals > 0, program: program.version > 0, cards: batches > 0 };
}

/**
 * After setup, the steps to a working shop: a store, a paired till, the
 * program, cards, the portal poster. Steps tick themselves from the shop's
 * data (the poster once opened); the list goes away when every step is done
 * or the owner hides it (kept in this browser).
 */
export function FirstRunChecklist() {
  const { t } = useTranslation();
  const { merchant } = useAdmin();
  const hiddenKey = `tally.checklist.hidden.${merchant.id}`;
  const posterKey = `tally.checklist.poster.${merchant.id}`;
  const [hidden, setHidden] = useState(() => localStorage.getItem(hiddenKey) === '1');
  const [poster, setPoster] = useState(() => localStorage.getItem(posterKey) === '1');
  const progress = useLoad((signal) => (hidden ? Promise.resolve(null) : loadProgress(signal)), [hidden]);
  const p = progress.data;
  if (hidden || !p) return null;
  const steps: { key: string; done: boolean; to: string; onClick?: () => void }[] = [
    { key: 'store', done: p.store, to: '/admin/stores' },
    // Pairing a till (code or QR) is done from the terminals screen.
    { key: 'till', done: p.till, to: '/admin/terminals' },
    { key: 'program', done: p.program, to: '/admin/program' },
    { key: 'cards', done: p.cards, to: '/admin/cards' },
    {
      key: 'poster',
      done: poster,
      to: '/admin/poster',
      onClick: () => {
        localStorage.setItem(posterKey, '1');
        setPoster(true);
      },
    },
  ];
  if (steps.every((s) => s.done)) return null;
  const done = steps.filter((s) => s.done).length;
  return (
    <section className="card checklist" aria-labelledby="checklist-title" data-testid="checklist">
      <h2 id="checklist-title">{t('checklist.title')}</h2>
      <p className="muted">{t('checklist.progress', { done, total: steps.length })}</p>
      <ol>
        {steps.map((s) => (
          <li key={s.key} className={s.done ? 'done' : undefined} data-done={s.done}>
            <span className="check-mark" aria-hidden="true">
              {s.done ? '✓' : ''}
            </span>
            <span>
              <Link to={s.to} onClick={s.onClick}>
                {t(`checklist.${s.key}`)}
              </Link>
              {s.done && <span className="sr-only"> ({t('checklist.done')})</span>}
              <br />
              <span className="muted">{t(`checklist.${s.key}Hint`)}</span>
            </span>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="linkish"
        onClick={() => {
          localStorage.setItem(hiddenKey, '1');
          setHidden(true);
        }}
      >
        {t('checklist.hide')}
      </button>
    </section>
  );
}
