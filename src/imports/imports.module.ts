import type { Deps } from '../deps';
import { defineModule } from '../module';
import { importsRoutes } from './imports.routes';
import { ImportsService, type ImportsServiceUses } from './imports.service';

/** History import from CSV: members and past purchases, through the owning modules' services (docs/imports.md). */
export const importsModule = defineModule({
  name: 'imports',
  entities: [],
  uses: ['members', 'merchants', 'purchases', 'terminals'],
  create: (deps: Deps, use: ImportsServiceUses) => ({ imports: new ImportsService(deps, use) }),
  routes: importsRoutes,
});
