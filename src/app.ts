import multipart from '@fastify/multipart'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import type { AppContext } from './context.js'
import { registerAccessControl } from './http/access.js'
import { registerErrorHandler, sendProblem } from './http/error-handler.js'
import { healthRoutes } from './http/health.js'
import { registerInputGuards } from './http/input-guards.js'
import { documentedSuccess, typeErrorsAsProblems } from './http/openapi.js'
import { registerRateLimits } from './http/rate-limits.js'
import { registerSecurityHeaders } from './http/security-headers.js'
import { registerSessions } from './http/sessions.js'
import { accountRoutes } from './modules/accounts/accounts.routes.js'
import { agencyRoutes } from './modules/agencies/agencies.routes.js'
import { agencySuggestionRoutes } from './modules/agencies/agency-suggestions.routes.js'
import { campaignRoutes } from './modules/campaigns/campaigns.routes.js'
import { correspondenceRoutes } from './modules/correspondence/correspondence.routes.js'
import { outboundRoutes } from './modules/correspondence/outbound.routes.js'
import { muteRoutes } from './modules/deliveries/mute.routes.js'
import { reminderRoutes } from './modules/deliveries/reminders.routes.js'
import { documentRoutes } from './modules/documents/documents.routes.js'
import { MAX_FILES_PER_UPLOAD, MAX_TITLE_LENGTH } from './modules/documents/documents.schemas.js'
import { jurisdictionRoutes } from './modules/jurisdictions/jurisdictions.routes.js'
import { nearCopyRoutes } from './modules/near-copies/near-copies.routes.js'
import { privacyRoutes } from './modules/privacy/privacy.routes.js'
import { requestRoutes } from './modules/requests/requests.routes.js'
import { searchRoutes } from './modules/search/search.routes.js'
import { templateRoutes } from './modules/templates/templates.routes.js'
import { pageNotFound } from './web/render.js'
import { registerViews, webPages } from './web/web.plugin.js'

const JSON_BODY_LIMIT = 1024 * 1024

/** Builds the HTTP app on a context; never listens, so tests build exactly what the server runs. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    // Off unless configured: a client could otherwise name any address in X-Forwarded-For and dodge per-address limits.
    trustProxy: ctx.config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: sendProblem,
  }).withTypeProvider<ZodTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  await registerSecurityHeaders(app, ctx.config.publicUrl)
  registerErrorHandler(app, { pageNotFound })
  await registerViews(app)
  await registerSessions(app, ctx)
  registerAccessControl(app, ctx)
  await registerRateLimits(app, ctx)
  registerInputGuards(app)

  await app.register(multipart, {
    limits: {
      // One byte over the limit, so storage sees an oversized file and refuses it whole.
      fileSize: ctx.config.maxUploadBytes + 1,
      files: MAX_FILES_PER_UPLOAD,
      fields: 10,
      fieldSize: MAX_TITLE_LENGTH * 4 + 1,
      parts: MAX_FILES_PER_UPLOAD + 10,
      headerPairs: 100,
    },
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ring Records API',
        version: '1.0.0',
        description:
          'Public-records requests about police partnerships with Amazon Ring: letters, deadlines, reminders and returned documents.',
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: (input) => {
      const transformed = jsonSchemaTransform(input)
      const access = input.route.config?.access
      if (access === 'user' || access === 'admin' || access === 'inbound-token')
        transformed.schema = { ...transformed.schema, security: [{ bearer: [] }] }
      // A multipart body is read as a stream by its handler, not validated up front; it is described for the document only.
      const documentedBody = input.route.config?.documentedBody
      if (documentedBody) transformed.schema = { ...transformed.schema, body: documentedBody }
      const documentedResponse = input.route.config?.documentedResponse
      if (documentedResponse) {
        const response = transformed.schema.response as Record<string, unknown>
        transformed.schema = { ...transformed.schema, response: { ...response, 200: documentedSuccess(documentedResponse) } }
      }
      return transformed
    },
    transformObject: (input) => typeErrorsAsProblems(jsonSchemaTransformObject(input)),
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger())

  await app.register(healthRoutes(ctx))
  await app.register(accountRoutes(ctx))
  await app.register(jurisdictionRoutes(ctx))
  await app.register(agencyRoutes(ctx))
  await app.register(agencySuggestionRoutes(ctx))
  await app.register(templateRoutes(ctx))
  await app.register(requestRoutes(ctx))
  await app.register(campaignRoutes(ctx))
  await app.register(outboundRoutes(ctx))
  await app.register(reminderRoutes(ctx))
  await app.register(muteRoutes(ctx))
  await app.register(documentRoutes(ctx))
  await app.register(privacyRoutes(ctx))
  await app.register(nearCopyRoutes(ctx))
  await app.register(correspondenceRoutes(ctx))
  await app.register(searchRoutes(ctx))
  await app.register(webPages(ctx))
  return app
}
