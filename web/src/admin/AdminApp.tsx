import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import { api } from '../api/client';
import { staffSession, staffSlot, useStored } from '../api/sessions';
import { applyPreferredLanguage } from '../i18n';
import { ErrorBanner, LanguageSwitcher, useLoad } from '../ui/kit';
import { AdminContext, type MerchantInfo } from './admin-context';
import { Analytics } from './Analytics';
import { Campaigns } from './Campaigns';
import { CardBatches } from './CardBatches';
import { Dashboard } from './Dashboard';
import { MemberDetail, Members } from './Members';
import { OfferPage, Offers } from './Offers';
import { Program } from './Program';
import { Staff, Stores, Terminals } from './Organisation';
import { PortalPoster } from './PortalPoster';
import { Products } from './Products';
import { Feedback } from './Feedback';
import { Forecasts } from './Forecasts';
import { Webhooks } from './Webhooks';

export default function AdminApp() {
  const { t } = useTranslation();
  const staff = useStored(staffSlot);
  const location = useLocation();
  const merchant = useLoad(
    (signal) => (staff ? api<MerchantInfo>('/v1/merchant', { session: staffSession, signal }) : Promise.resolve(null)),
    [staff?.merchantId],
  );
  useEffect(() => {
    document.title = `${t('admin.title')} · Tally`;
  }, [t]);
  useEffect(() => applyPreferredLanguage(merchant.data?.locale), [merchant.data?.locale]);

  if (!staff) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  // Cashiers look members up at the service desk; everything else is for owners and managers.
  const cashier = staff.role === 'cashier';
  if (cashier && !location.pathname.startsWith('/admin/members')) return <Navigate to="/admin/members" replace />;
  const links: [string, string][] = cashier
    ? [['/admin/members', t('admin.nav.members')]]
    : [
        ['/admin', t('admin.nav.dashboard')],
        ['/admin/members', t('admin.nav.members')],
        ['/admin/analytics', t('admin.nav.analytics')],
        ['/admin/forecasts', t('forecasts.nav')],
        ['/admin/stores', t('admin.nav.stores')],
        ['/admin/staff', t('admin.nav.staff')],
        ['/admin/terminals', t('admin.nav.terminals')],
        ['/admin/program', t('admin.nav.program')],
        ['/admin/products', t('admin.nav.products')],
        ['/admin/cards', t('admin.nav.cards')],
        ['/admin/offers', t('admin.nav.offers')],
        ['/admin/campaigns', t('admin.nav.campaigns')],
        ['/admin/feedback', t('feedback.admin.nav')],
        ['/admin/webhooks', t('admin.nav.webhooks')],
        ['/admin/poster', t('poster.nav')],
      ];
  return (
    <>
      <a className="skip" href="#content">
        {t('common.skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">Tally</span>
        <span>{merchant.data?.name}</span>
        <span className="spacer" />
        <span>{staff.name}</span>
        <LanguageSwitcher />
        <button
          type="button"
          className="linkish"
          onClick={() => {
            void api('/v1/auth/sign-out', { method: 'POST', body: { refreshToken: staff.refreshToken }, session: staffSession }).catch(() => undefined);
            staffSlot.set(null);
          }}
        >
          {t('common.signOut')}
        </button>
      </header>
      <div className="admin">
        <nav className="side" aria-label={t('admin.title')}>
          {links.map(([to, label]) => (
            <NavLink key={to} to={to} end={to === '/admin'}>
              {label}
            </NavLink>
          ))}
        </nav>
        <main id="content" tabIndex={-1}>
          <ErrorBanner error={merchant.error} />
          {merchant.data && (
            <AdminContext.Provider value={{ merchant: merchant.data, staff }}>
              <Routes>
                <Route index element={<Dashboard />} />
                <Route path="members" element={<Members />} />
                <Route path="members/:memberId" element={<MemberDetail />} />
                <Route path="analytics" element={<Analytics />} />
                <Route path="forecasts" element={<Forecasts />} />
                <Route path="stores" element={<Stores />} />
                <Route path="staff" element={<Staff />} />
                <Route path="terminals" element={<Terminals />} />
                <Route path="program" element={<Program />} />
                <Route path="products" element={<Products />} />
                <Route path="cards" element={<CardBatches />} />
                <Route path="offers" element={<Offers />} />
                <Route path="offers/:offerId" element={<OfferPage />} />
                <Route path="campaigns" element={<Campaigns />} />
                <Route path="feedback" element={<Feedback />} />
                <Route path="webhooks" element={<Webhooks />} />
                <Route path="poster" element={<PortalPoster />} />
              </Routes>
            </AdminContext.Provider>
          )}
        </main>
      </div>
    </>
  );
}
