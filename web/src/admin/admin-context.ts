import { createContext, useContext } from 'react';
import type { StaffState } from '../api/sessions';

export interface MerchantInfo {
  id: string;
  name: string;
  currency: string;
  timeZone: string;
  locale: string;
}

export interface AdminContextValue {
  merchant: MerchantInfo;
  staff: StaffState;
}

export const AdminContext = createContext<AdminContextValue | null>(null);

export function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (!value) throw new Error('useAdmin outside the back office');
  return value;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export const PAGE_SIZE = 25;
