import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../api/client';
import { staffSession } from '../api/sessions';
import { currencyDigits, formatMoney, minorToInput, parseMoney } from '../format';
import { useLocale } from '../i18n';
import { Checkbox, ErrorBanner, Field, Notice, Pager, SearchBox, Select, TableWrap, useLoad } from '../ui/kit';
import { PAGE_SIZE, useAdmin } from './admin-context';
import type { CategoryOut, GroupOut, ProductOut } from '../../../src/catalogue/catalogue.schemas';
import { EARNING_EXCLUSIONS } from '../../../src/catalogue/catalogue.schemas';

interface ImportResult {
  dryRun: boolean;
  rows: number;
  created: number;
  existing: number;
  failed: number;
  errors: { row: number; field: string; message: string }[];
}

/** The product catalogue: search and edit products, the category tree, product groups, and a CSV import with a dry run first. */
export function Products() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [offset, setOffset] = useState(0);
  const [changed, setChanged] = useState(0);
  const [editing, setEditing] = useState<ProductOut | 'new' | null>(null);
  const products = useLoad(
    (signal) => api<{ items: ProductOut[]; total: number }>('/v1/products', { session: staffSession, signal, query: { q, categoryId, limit: PAGE_SIZE, offset } }),
    [q, categoryId, offset, changed],
  );
  const categories = useLoad((signal) => api<{ items: CategoryOut[] }>('/v1/product-categories', { session: staffSession, signal }), [changed]);
  const groups = useLoad((signal) => api<{ items: GroupOut[] }>('/v1/product-groups', { session: staffSession, signal }), [changed]);
  const refresh = () => setChanged((n) => n + 1);
  const { merchant } = useAdmin();
  const locale = useLocale();
  const money = (minor: number | null) => (minor === null ? '' : formatMoney(minor, merchant.currency, locale));

  return (
    <>
      <h1>{t('admin.nav.products')}</h1>
      <ErrorBanner error={products.error ?? categories.error ?? groups.error} />
      <div className="card row">
        <SearchBox label={t('products.search')} value={q} onSearch={(v) => (setQ(v), setOffset(0))} />
        <Select label={t('products.category')} value={categoryId} onChange={(e) => (setCategoryId(e.target.value), setOffset(0))}>
          <option value="">{t('products.allCategories')}</option>
          {(categories.data?.items ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.path.join(' › ')}
            </option>
          ))}
        </Select>
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          {t('products.new')}
        </button>
      </div>
      {editing && (
        <ProductForm
          product={editing === 'new' ? null : editing}
          categories={categories.data?.items ?? []}
          groups={groups.data?.items ?? []}
          onDone={() => (setEditing(null), refresh())}
          onCancel={() => setEditing(null)}
        />
      )}
      <TableWrap label={t('admin.nav.products')}>
        <table>
          <thead>
            <tr>
              <th>{t('products.sku')}</th>
              <th>{t('products.name')}</th>
              <th>{t('products.category')}</th>
              <th>{t('products.barcodes')}</th>
              <th>{t('products.earning')}</th>
              <th className="num">{t('products.shelfPrice')}</th>
              <th>
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(products.data?.items ?? []).map((p) => (
              <tr key={p.id}>
                <td>{p.sku}</td>
                <td>
                  {p.name}
                  {p.weighed ? ` (${t('products.perKg')})` : ''}
                </td>
                <td>{p.categoryPath.join(' › ')}</td>
                <td>{p.barcodes.join(', ')}</td>
                <td>{p.earningExclusion ? <span className="badge">{t(`products.exclusion.${p.earningExclusion}`)}</span> : t('products.earns')}</td>
                <td className="num">{money(p.shelfPriceMinor)}</td>
                <td>
                  <button type="button" className="btn" onClick={() => setEditing(p)} aria-label={t('products.editNamed', { name: p.name })}>
                    {t('products.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {products.data && products.data.total === 0 && <p className="muted">{t('products.none')}</p>}
      {products.data && products.data.total > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} total={products.data.total} onOffset={setOffset} />}
      <div className="grid-2">
        <Categories categories={categories.data?.items ?? []} onChange={refresh} />
        <Groups groups={groups.data?.items ?? []} onChange={refresh} />
      </div>
      <ProductImport onImported={refresh} />
    </>
  );
}

function ProductForm({ product, categories, groups, onDone, onCancel }: { product: ProductOut | null; categories: CategoryOut[]; groups: GroupOut[]; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { merchant } = useAdmin();
  const digits = currencyDigits(merchant.currency);
  const [form, setForm] = useState({
    sku: product?.sku ?? '',
    name: product?.name ?? '',
    barcodes: product?.barcodes.join(', ') ?? '',
    categoryId: product?.categoryId ?? '',
    weighed: product?.weighed ?? false,
    earningExclusion: product?.earningExclusion ?? '',
    shelfPrice: product?.shelfPriceMinor === null || product === null ? '' : minorToInput(product.shelfPriceMinor, digits),
    groupIds: product?.groups.map((g) => g.id) ?? [],
  });
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const body = {
      name: form.name.trim(),
      barcodes: form.barcodes.split(/[\s,;]+/).filter(Boolean),
      categoryId: form.categoryId || null,
      weighed: form.weighed,
      earningExclusion: form.earningExclusion || null,
      // A price that does not read as money is sent as -1, so the server names the field.
      shelfPriceMinor: form.shelfPrice.trim() ? (parseMoney(form.shelfPrice, digits) ?? -1) : null,
      groupIds: form.groupIds,
    };
    try {
      if (product) await api(`/v1/products/${product.id}`, { method: 'PATCH', session: staffSession, body });
      else await api('/v1/products', { session: staffSession, body: { ...body, sku: form.sku.trim() } });
      onDone();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="product-form-title">
      <h2 id="product-form-title">{product ? t('products.editNamed', { name: product.name }) : t('products.new')}</h2>
      <ErrorBanner error={error} />
      <div className="row">
        <Field label={t('products.sku')} value={form.sku} onChange={(e) => setForm({ ...form, sku: e.target.value })} required disabled={product !== null} maxLength={64} error={fields.sku} />
        <Field label={t('products.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required maxLength={200} error={fields.name} />
      </div>
      <div className="row">
        <Field label={t('products.barcodes')} hint={t('products.barcodesHint')} value={form.barcodes} onChange={(e) => setForm({ ...form, barcodes: e.target.value })} error={fields.barcodes} />
        <Select label={t('products.category')} value={form.categoryId} onChange={(e) => setForm({ ...form, categoryId: e.target.value })} error={fields.categoryId}>
          <option value="">{t('products.noCategory')}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.path.join(' › ')}
            </option>
          ))}
        </Select>
      </div>
      <div className="row">
        <Select label={t('products.earning')} value={form.earningExclusion} onChange={(e) => setForm({ ...form, earningExclusion: e.target.value as typeof form.earningExclusion })}>
          <option value="">{t('products.earns')}</option>
          {EARNING_EXCLUSIONS.map((x) => (
            <option key={x} value={x}>
              {t(`products.exclusion.${x}`)}
            </option>
          ))}
        </Select>
        <Field label={t('products.shelfPriceIn', { currency: merchant.currency })} value={form.shelfPrice} onChange={(e) => setForm({ ...form, shelfPrice: e.target.value })} inputMode="decimal" error={fields.shelfPriceMinor} />
      </div>
      <Checkbox label={t('products.weighed')} checked={form.weighed} onChange={(v) => setForm({ ...form, weighed: v })} />
      {groups.length > 0 && (
        <fieldset className="stack">
          <legend>{t('products.groups')}</legend>
          {groups.map((g) => (
            <Checkbox
              key={g.id}
              label={`${g.name} (${g.code})`}
              checked={form.groupIds.includes(g.id)}
              onChange={(v) => setForm({ ...form, groupIds: v ? [...form.groupIds, g.id] : form.groupIds.filter((id) => id !== g.id) })}
            />
          ))}
        </fieldset>
      )}
      <div className="row">
        <button type="submit" className="btn btn-primary">
          {t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function Categories({ categories, onChange }: { categories: CategoryOut[]; onChange: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('/v1/product-categories', { session: staffSession, body: { name: name.trim(), parentId: parentId || null } });
      setName('');
      onChange();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card stack" aria-labelledby="categories-title">
      <h2 id="categories-title">{t('products.categories')}</h2>
      <ul className="category-tree">
        {categories.map((c) => (
          <li key={c.id} style={{ paddingInlineStart: `${(c.path.length - 1) * 1.2}rem` }}>
            {c.name} <span className="muted">({c.products})</span>
          </li>
        ))}
      </ul>
      <ErrorBanner error={error} />
      <form className="row" onSubmit={submit}>
        <Field label={t('products.categoryName')} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        <Select label={t('products.parent')} value={parentId} onChange={(e) => setParentId(e.target.value)}>
          <option value="">{t('products.topLevel')}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.path.join(' › ')}
            </option>
          ))}
        </Select>
        <button type="submit" className="btn">
          {t('products.addCategory')}
        </button>
      </form>
    </section>
  );
}

function Groups({ groups, onChange }: { groups: GroupOut[]; onChange: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ code: '', name: '' });
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrors(error);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('/v1/product-groups', { session: staffSession, body: { code: form.code.trim(), name: form.name.trim() } });
      setForm({ code: '', name: '' });
      onChange();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card stack" aria-labelledby="groups-title">
      <h2 id="groups-title">{t('products.groups')}</h2>
      <p className="muted">{t('products.groupsIntro')}</p>
      <ul>
        {groups.map((g) => (
          <li key={g.id}>
            {g.name} <code>{g.code}</code> <span className="muted">({g.products})</span>
          </li>
        ))}
      </ul>
      <ErrorBanner error={error} />
      <form className="row" onSubmit={submit}>
        <Field label={t('products.groupCode')} value={form.code} onChange={(e) => setForm({ ...form, code: e.target.value })} required maxLength={64} error={fields.code} />
        <Field label={t('products.groupName')} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required maxLength={100} error={fields.name} />
        <button type="submit" className="btn">
          {t('products.addGroup')}
        </button>
      </form>
    </section>
  );
}

/** A CSV file through the import API: a dry run shows what would happen, then the real run. */
function ProductImport({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function run(dryRun: boolean) {
    if (!file) return;
    setError(null);
    try {
      const answer = await api<ImportResult>('/v1/imports/products', { session: staffSession, query: { dryRun }, text: { content: await file.text(), type: 'text/csv' } });
      setResult(answer);
      if (!dryRun) onImported();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card stack" aria-labelledby="import-title">
      <h2 id="import-title">{t('products.importTitle')}</h2>
      <p className="muted">{t('products.importIntro')}</p>
      <div className="field">
        <label htmlFor="products-file">{t('products.importFile')}</label>
        <input id="products-file" type="file" accept=".csv,text/csv" onChange={(e) => (setFile(e.target.files?.[0] ?? null), setResult(null))} />
      </div>
      <div className="row">
        <button type="button" className="btn" disabled={!file} onClick={() => run(true)}>
          {t('products.dryRun')}
        </button>
        <button type="button" className="btn btn-primary" disabled={!file || !result?.dryRun} onClick={() => run(false)}>
          {t('products.importRun')}
        </button>
      </div>
      <ErrorBanner error={error} />
      {result && (
        <div data-testid="import-result" className="stack">
          <Notice kind={result.failed ? 'warn' : 'ok'}>
            {t(result.dryRun ? 'products.dryRunResult' : 'products.importResult', { rows: result.rows, created: result.created, existing: result.existing, failed: result.failed })}
          </Notice>
          {result.errors.length > 0 && (
            <ul>
              {result.errors.map((e, i) => (
                <li key={i}>{t('products.rowError', { row: e.row + 1, field: e.field, message: e.message })}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
