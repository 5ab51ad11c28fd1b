import { fileURLToPath } from 'node:url'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import fastifyView from '@fastify/view'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.js'
import { createPageEngine, VIEWS_DIR } from '../modules/templates/liquid.js'
import { adminPages } from './admin.routes.js'
import { campaignPages } from './campaign.routes.js'
import { composePages } from './compose.routes.js'
import { dashboardPages } from './dashboard.routes.js'
import { publicPages } from './public.routes.js'
import { pageErrorHandler } from './render.js'
import { requestPages } from './request.routes.js'
import { reviewPages } from './review.routes.js'
import { signInPages } from './sign-in.routes.js'
import { tokenPages } from './tokens.routes.js'

/** The stylesheet and any other file the pages load, served under /assets/. */
export const ASSETS_DIR = fileURLToPath(new URL('../../public/', import.meta.url))

/**
 * The page renderer (@fastify/view over the one Liquid configuration), registered on the root so
 * the not-found handler can render pages too.
 */
export async function registerViews(app: FastifyInstance): Promise<void> {
  await app.register(fastifyView, { engine: { liquid: createPageEngine() }, root: VIEWS_DIR, viewExt: 'liquid', production: true })
}

/**
 * The web pages: server-rendered HTML over the same services as the JSON API. Their own scope
 * reads HTML forms and answers errors with pages; the API keeps JSON and problem documents.
 */
export const webPages = (ctx: AppContext) => async (app: FastifyInstance) => {
  await app.register(formbody, { bodyLimit: 64 * 1024 })
  await app.register(fastifyStatic, { root: ASSETS_DIR, prefix: '/assets/', maxAge: '1h', index: false, list: false })
  app.setErrorHandler(pageErrorHandler)
  await app.register(publicPages(ctx))
  await app.register(signInPages(ctx))
  await app.register(tokenPages(ctx))
  await app.register(composePages(ctx))
  await app.register(dashboardPages(ctx))
  await app.register(adminPages(ctx))
  await app.register(requestPages(ctx))
  await app.register(campaignPages(ctx))
  await app.register(reviewPages(ctx))
}
