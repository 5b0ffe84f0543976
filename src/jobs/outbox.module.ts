import { defineModule } from '../module';
import { OutboxEntry } from './outbox-entry.entity';
import { outboxJobs } from './outbox.jobs';
import { OutboxService } from './outbox.service';

/**
 * The transactional outbox as a module: it owns the outbox table and its
 * prune job. Other modules write to it with `enqueueInTransaction`.
 */
export const outboxModule = defineModule({
  name: 'outbox',
  entities: [OutboxEntry],
  uses: [],
  create: (deps) => ({ outbox: new OutboxService(deps) }),
  jobs: outboxJobs,
});
