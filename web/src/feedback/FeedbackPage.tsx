import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { formatDateTime } from '../format';
import { languageOf, useLocale } from '../i18n';
import { Checkbox, ErrorBanner, Field, Notice, PublicTopbar, useLoad } from '../ui/kit';

interface Question {
  shop: { name: string; brandColor: string | null };
  store: { name: string };
  purchase: { receiptNumber: string; occurredAt: string };
  scale: 'nps' | 'csat';
  range: { min: number; max: number };
  open: boolean;
  closedReason: 'voided' | 'expired' | null;
  answer: { score: number; comment: string | null; answeredAt: string } | null;
  case: { status: string; resolution: string | null; resolvedAt: string | null } | null;
}

/**
 * The receipt link's page (/f/:token), for anyone holding the receipt, signed
 * in or not: the question, then the thanks, then the shop's answer to a
 * complaint when there is one.
 */
export default function FeedbackPage() {
  const { token = '' } = useParams();
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const path = `/v1/receipt-feedback/${encodeURIComponent(token)}`;
  const loaded = useLoad((signal) => api<Question>(path, { signal }), [path]);
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [complaint, setComplaint] = useState(false);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const q = loaded.data;
  const fields = fieldErrors(error);

  async function send(e: FormEvent) {
    e.preventDefault();
    if (score === null) return;
    setError(null);
    setSending(true);
    try {
      await api<Question>(path, { body: { score, comment: comment.trim() || undefined, complaint, email: email.trim() || undefined, language: languageOf(i18n.language) ?? 'en' } });
      loaded.reload();
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  }

  const scores = q ? Array.from({ length: q.range.max - q.range.min + 1 }, (_, i) => q.range.min + i) : [];
  return (
    <>
      <PublicTopbar />
      <main className="narrow" style={q?.shop.brandColor ? { borderTop: `6px solid ${q.shop.brandColor}` } : undefined}>
        {loaded.error !== null && !q ? <ErrorBanner error={loaded.error} /> : null}
        {!q ? (
          loaded.error === null && <p className="muted" role="status">{t('common.loading')}</p>
        ) : (
          <>
            <h1>{q.shop.name}</h1>
            <p className="muted">{t('feedback.purchaseAt', { store: q.store.name, when: formatDateTime(q.purchase.occurredAt, locale), receipt: q.purchase.receiptNumber })}</p>
            {q.answer ? (
              <section className="card" aria-labelledby="thanks-title" data-testid="feedback-thanks">
                <h2 id="thanks-title">{t('feedback.thanksTitle')}</h2>
                <p>{t('feedback.yourScore', { score: q.answer.score, max: q.range.max })}</p>
                {q.answer.comment && <blockquote className="quote">{q.answer.comment}</blockquote>}
                {q.case && q.case.status !== 'resolved' && <p>{t('feedback.caseOpen')}</p>}
                {q.case?.resolution && (
                  <div data-testid="feedback-resolution">
                    <h3>{t('feedback.resolutionTitle', { shop: q.shop.name })}</h3>
                    <p className="prewrap">{q.case.resolution}</p>
                    {q.case.resolvedAt && <p className="muted">{formatDateTime(q.case.resolvedAt, locale)}</p>}
                  </div>
                )}
              </section>
            ) : !q.open ? (
              <Notice kind="warn">{q.closedReason === 'voided' ? t('feedback.closedVoided') : t('feedback.closedExpired')}</Notice>
            ) : (
              <form className="card stack" onSubmit={send} noValidate>
                <ErrorBanner error={error} />
                <fieldset className="score-scale">
                  <legend>{q.scale === 'nps' ? t('feedback.questionNps', { shop: q.shop.name }) : t('feedback.questionCsat', { shop: q.shop.name })}</legend>
                  <div className="scores" role="radiogroup" aria-label={q.scale === 'nps' ? t('feedback.questionNps', { shop: q.shop.name }) : t('feedback.questionCsat', { shop: q.shop.name })}>
                    {scores.map((s) => (
                      <button type="button" key={s} role="radio" aria-checked={score === s} className={`btn score${score === s ? ' btn-primary' : ''}`} onClick={() => setScore(s)}>
                        {s}
                      </button>
                    ))}
                  </div>
                  <div className="scale-ends muted">
                    <span>{q.scale === 'nps' ? t('feedback.npsLow') : t('feedback.csatLow')}</span>
                    <span>{q.scale === 'nps' ? t('feedback.npsHigh') : t('feedback.csatHigh')}</span>
                  </div>
                </fieldset>
                <label className="field">
                  <span>{t('feedback.comment')}</span>
                  <textarea value={comment} maxLength={2000} rows={4} onChange={(e) => setComment(e.target.value)} />
                </label>
                <Checkbox label={t('feedback.complaint')} checked={complaint} onChange={setComplaint} />
                <Field label={t('feedback.email')} hint={t('feedback.emailHint')} type="email" autoComplete="email" value={email} maxLength={254} error={fields['body.email']} onChange={(e) => setEmail(e.target.value)} />
                <button type="submit" className="btn btn-primary btn-big" disabled={score === null || sending}>
                  {t('feedback.send')}
                </button>
              </form>
            )}
          </>
        )}
      </main>
    </>
  );
}
