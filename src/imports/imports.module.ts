import type { Deps } from '../deps';
import { defineModule } from '../module';
import { importsRoutes } from './imports.routes';
import { ImportsService, type ImportsServiceUses } from './imports.service';

/** Import from CSV: members, past purchases and products, through the owning modules' services (docs/imports.md). */
export const importsModule = defineModule({
  name: 'imports',
  entities: [],
  uses: ['catalogue', 'members', 'merchants', 'purchases', 'segments', 'terminals'],
  create: (deps: Deps, use: ImportsServiceUses) => ({ imports: new ImportsService(deps, use) }),
  routes: importsRoutes,
});
