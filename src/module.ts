import type { Deps } from './deps';
import { dispatchJob } from './events/events.jobs';
import type { EventType } from './events/event-types';
import type { EventSubscriber } from './events/subscriber';
import type { Api, Routes } from './http/api';
import type { JobDefinition } from './jobs/job-definition';

/** A module's public services by name (e.g. `{ members, memberSignIn }`); names are unique across modules. */
export type ServiceMap = object;

/** A TypeORM entity class. */
export type EntityClass = new () => object;

/** A job as a module declares it: the handler gets its own module's services (and those it uses), nothing else. */
export interface ModuleJob<S, T = unknown> {
  name: string;
  /** Cron expression (UTC) for scheduled jobs. */
  schedule?: string;
  /** Must be idempotent: Bull retries and the outbox relay may deliver twice. */
  handle(data: T, services: S): Promise<void>;
}

/**
 * Everything a business module contributes, declared in one plain object in
 * its `<module>.module.ts`: the tables it owns, how its services are built and
 * which other modules' services they use, its routes, its jobs and its event
 * subscribers. The composition
 * root (`src/modules.ts`) lists the modules; nothing else knows them.
 */
export interface Module<Own extends ServiceMap = ServiceMap, Used extends ServiceMap = ServiceMap> {
  name: string;
  /** TypeORM entities of the tables this module owns; no other module reads or writes them. */
  entities: readonly EntityClass[];
  /** The other modules' services this module calls, by name; `create` gets exactly these. */
  uses: readonly NoInfer<keyof Used & string>[];
  /**
   * Builds the module's public services. `use` resolves each used service
   * when it is read, so services keep `use` and read from it when called.
   */
  create(deps: Deps, use: Used): Own;
  routes?(api: Api<Own & Used>): void;
  jobs?: ModuleJob<Own & Used>[];
  /** Reactions to domain events (see `src/events`), delivered at least once by the `events.dispatch` job. */
  subscribers?: EventSubscriber<EventType, Own & Used>[];
}

/** Identity with inference: `defineModule({ ... })` checks the descriptor and keeps its service types. */
export function defineModule<Own extends ServiceMap, Used extends ServiceMap = Record<never, never>>(module: Module<Own, Used>): Module<Own, Used> {
  return module;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the list holds modules of every service shape
export type AnyModule = Module<any, any>;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every service of the listed modules, by name: for the composition root, processes and tests, never for a service. */
export type ServicesOf<M extends readonly AnyModule[]> = UnionToIntersection<ReturnType<M[number]['create']>>;

export interface Composed<S> {
  services: S;
  /** Every module's jobs, bound to that module's services, and the job that dispatches events to every module's subscribers. */
  jobs: JobDefinition[];
  /** Mounts every module's routes, in the order the modules are listed. */
  mountRoutes(api: Routes): void;
}

/** A module's jobs bound to the services they run with, as the queue consumes them. */
export function bindJobs<S>(jobs: readonly ModuleJob<S>[], services: S): JobDefinition[] {
  return jobs.map((job) => ({ name: job.name, schedule: job.schedule, handle: (data: unknown) => job.handle(data, services) }));
}

/** The entities of all listed modules (the DataSource needs every one). */
export function entitiesOf(modules: readonly AnyModule[]): EntityClass[] {
  return modules.flatMap((m) => m.entities);
}

/**
 * Builds every module's services. Each module gets a `use` object holding
 * only the services it declared, resolved on access, so the order of
 * construction does not matter; a module using a service nobody provides is
 * an error at start-up.
 */
export function composeModules<M extends readonly AnyModule[]>(deps: Deps, modules: M): Composed<ServicesOf<M>> {
  const all: Record<string, object> = {};
  const built = modules.map((module) => {
    const use: Record<string, object> = {};
    for (const name of module.uses) {
      Object.defineProperty(use, name, {
        enumerable: true,
        get: () => {
          const service = all[name];
          if (!service) throw new Error(`module ${module.name} used service ${name} before it was built`);
          return service;
        },
      });
    }
    const own: Record<string, object> = module.create(deps, use);
    for (const [name, service] of Object.entries(own)) {
      if (name in all) throw new Error(`service ${name} is provided by two modules`);
      all[name] = service;
    }
    // Own services first, then getters for the used ones (spreading would resolve them now).
    return { module, services: Object.defineProperties({ ...own }, Object.getOwnPropertyDescriptors(use)) };
  });
  for (const module of modules) {
    for (const name of module.uses) if (!(name in all)) throw new Error(`module ${module.name} uses service ${name}, which no listed module provides`);
  }
  const subscribers = built.flatMap(({ module, services }) =>
    (module.subscribers ?? []).map((s: EventSubscriber<EventType, object>) => ({ name: s.name, events: s.events, handle: (events: Parameters<typeof s.handle>[0]) => s.handle(events, services) })),
  );
  const jobs = [...built.flatMap(({ module, services }) => bindJobs(module.jobs ?? [], services)), dispatchJob(subscribers)];
  return {
    services: all as ServicesOf<M>,
    jobs,
    mountRoutes(api) {
      for (const { module, services } of built) module.routes?.({ ...api, services });
    },
  };
}
