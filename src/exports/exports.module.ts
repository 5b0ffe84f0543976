import type { Deps } from '../deps';
import { defineModule } from '../module';
import { exportsRoutes } from './exports.routes';
import { ExportsService, type ExportsServiceUses } from './exports.service';

/** Data out: streamed CSV exports, the member's data download, erasure on a deletion request. */
export const exportsModule = defineModule({
  name: 'exports',
  entities: [],
  uses: ['feedback', 'members', 'merchants', 'notifications', 'points', 'purchases', 'segments'],
  create: (deps: Deps, use: ExportsServiceUses) => ({ dataExports: new ExportsService(deps, use) }),
  routes: exportsRoutes,
});
