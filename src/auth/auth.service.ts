import type { Deps } from '../deps';
import { AppError } from '../http/errors';
import type { Principal } from '../http/principal';
import { verifyAccessToken } from './tokens';

export class AuthService {
  constructor(private readonly deps: Deps) {}

  /** Verifies an access token and checks the account or terminal behind it is still enabled. */
  async authenticate(token: string): Promise<Principal> {
    const principal = verifyAccessToken(this.deps.config.jwtSecret, token);
    if (!(await this.isActive(principal))) throw new AppError('INVALID_TOKEN', 'This account or terminal has been disabled');
    return principal;
  }

  private async isActive(principal: Principal): Promise<boolean> {
    const m = this.deps.db.manager;
    switch (principal.kind) {
      case 'staff': {
        const rows: unknown[] = await m.query('SELECT 1 FROM staff_users WHERE id = ? AND merchant_id = ? AND active = 1', [principal.userId, principal.merchantId]);
        return rows.length > 0;
      }
      case 'terminal': {
        const rows: unknown[] = await m.query('SELECT 1 FROM terminals WHERE id = ? AND merchant_id = ? AND revoked_at IS NULL', [principal.terminalId, principal.merchantId]);
        return rows.length > 0;
      }
      case 'member':
        return true;
    }
  }
}
