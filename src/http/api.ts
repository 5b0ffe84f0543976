import type { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Services } from '../services';

/** What a module's routes file gets to declare its routes (see `route`). */
export interface Api {
  router: Router;
  registry: OpenAPIRegistry;
  services: Services;
}
