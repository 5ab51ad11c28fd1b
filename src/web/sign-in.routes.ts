import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { peekSignInLink, requestSignInLink, SIGN_IN_LINK_MINUTES, signInWithLink } from '../modules/accounts/sign-in.service.js'
import { csrfField } from './form-fields.js'
import { renderPage } from './render.js'
import { safeNextPath } from './safe-redirect.js'

const emailField = z.email().max(254)
const tokenParams = z.object({ token: z.string().max(100) })

/** /login (ask for a link), /login/{token} (use it: a button, so mail scanners that open links do not), /logout. */
export const signInPages =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { db: ctx.db, clock: ctx.clock, config: ctx.config, accountEmails: ctx.accountEmails }

    app.get('/login', {
      config: { access: 'public' },
      schema: { hide: true, querystring: z.object({ next: z.string().max(2_000).optional() }) },
      handler: async (request, reply) =>
        renderPage(request, reply, 'login', {
          title: 'Sign in',
          formToken: reply.generateCsrf(),
          email: '',
          next: safeNextPath(request.query.next) ?? '',
          problem: null,
          signupClosed: ctx.config.signup === 'closed',
        }),
    })

    app.post('/login', {
      config: { access: 'public', rateLimited: 'signin' },
      preHandler: app.csrfProtection,
      schema: {
        hide: true,
        body: z.object({
          email: z.string().trim().max(1_000),
          next: z.string().max(2_000).optional(),
          ...csrfField,
        }),
      },
      handler: async (request, reply) => {
        const nextPath = safeNextPath(request.body.next)
        const email = emailField.safeParse(request.body.email)
        if (!email.success) {
          return renderPage(
            request,
            reply,
            'login',
            {
              title: 'Sign in',
              formToken: reply.generateCsrf(),
              email: request.body.email,
              next: nextPath ?? '',
              problem: 'Enter an email address, such as name@example.org.',
              signupClosed: ctx.config.signup === 'closed',
            },
            400,
          )
        }
        await requestSignInLink(deps, { email: email.data, nextPath })
        return renderPage(request, reply, 'login-sent', { title: 'Check your email', email: email.data, minutes: SIGN_IN_LINK_MINUTES })
      },
    })

    app.get('/login/:token', {
      config: { access: 'public' },
      schema: { hide: true, params: tokenParams },
      handler: async (request, reply) => {
        const link = await peekSignInLink(deps, request.params.token)
        if (!link)
          return renderPage(
            request,
            reply,
            'login-invalid',
            { title: 'This sign-in link does not work', minutes: SIGN_IN_LINK_MINUTES },
            400,
          )
        return renderPage(request, reply, 'login-confirm', {
          title: 'Sign in',
          email: link.email,
          action: `/login/${encodeURIComponent(request.params.token)}`,
          formToken: reply.generateCsrf(),
        })
      },
    })

    app.post('/login/:token', {
      config: { access: 'public' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params: tokenParams, body: z.object(csrfField) },
      handler: async (request, reply) => {
        const signedIn = await signInWithLink(deps, request.params.token)
        if (!signedIn)
          return renderPage(
            request,
            reply,
            'login-invalid',
            { title: 'This sign-in link does not work', minutes: SIGN_IN_LINK_MINUTES },
            400,
          )
        // A fresh session: nothing from before signing in (a CSRF secret someone planted) carries over.
        request.session.regenerate()
        request.session.set('userId', signedIn.user.id)
        return reply.redirect(safeNextPath(signedIn.nextPath) ?? '/', 303)
      },
    })

    app.post('/logout', {
      config: { access: 'public' },
      preHandler: app.csrfProtection,
      schema: { hide: true, body: z.object(csrfField) },
      handler: async (request, reply) => {
        request.session.delete()
        return reply.redirect('/', 303)
      },
    })
  }
