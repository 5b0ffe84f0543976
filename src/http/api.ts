import type { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** Where routes are mounted and documented. */
export interface Routes {
  router: Router;
  registry: OpenAPIRegistry;
}

/** What a module's routes file gets to declare its routes (see `route`): its own services and those it uses. */
export interface Api<S = unknown> extends Routes {
  services: S;
}
