import express, { type Express } from 'express';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  return registry;
}

/**
 * Serves the OpenAPI 3.1 document built from the routes' zod schemas at
 * /openapi.json and a Swagger UI page at /docs from the swagger-ui-dist
 * package (no CDN).
 */
export function mountApiDocs(app: Express, registry: OpenAPIRegistry, publicUrl: string): void {
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Tally API',
      version: '1',
      description: 'Loyalty and membership for small supermarkets. Errors: { error: { code, message, details, requestId } }.',
    },
    servers: [{ url: publicUrl }],
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.get('/docs/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(
      `window.onload = function () { window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' }); };`,
    );
  });
  app.get('/docs', (req, res, next) => {
    // Relative asset links in index.html need the trailing slash.
    if (!req.originalUrl.endsWith('/')) return res.redirect(301, '/docs/');
    next();
  });
  app.use('/docs', express.static(getAbsoluteFSPath(), { index: 'index.html' }));
}
