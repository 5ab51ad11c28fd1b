// The inbound doors' tests: the real acceptor on the test's own database and storage directory, and what it stored.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Config } from '../../src/config.js'
import type { AppContext } from '../../src/context.js'
import { createInboundAcceptor } from '../../src/modules/correspondence/inbound-acceptor.js'
import type { AcceptedInbound, AcceptInbound, InboundEnvelope } from '../../src/modules/correspondence/inbound-door.js'
import { buildTestApp } from './app.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export const REPLY_DOMAIN = 'replies.records.test'

export interface InboundStore {
  config: Config
  ctx: AppContext
  storageDir: string
  /** The acceptor the doors call; every call and its outcome is kept in `calls`. */
  accept: AcceptInbound
  calls: Array<{ envelope: InboundEnvelope; result?: AcceptedInbound; error?: unknown }>
  /** The stored messages' bytes, one per distinct message. */
  stored(): Promise<Buffer[]>
}

export async function createInboundStore(t: Teardown, env: Record<string, string> = {}): Promise<InboundStore> {
  const { ctx, config } = await buildTestApp(t, { env: { REPLY_DOMAIN, ...env } })
  const storageDir = config.storageDir
  const acceptor = createInboundAcceptor(ctx)
  const calls: InboundStore['calls'] = []
  return {
    config,
    ctx,
    storageDir,
    calls,
    async accept(raw, envelope) {
      const call: InboundStore['calls'][number] = { envelope }
      calls.push(call)
      try {
        call.result = await acceptor(raw, envelope)
        return call.result
      } catch (error) {
        call.error = error
        throw error
      }
    },
    stored: () => storedMessages(storageDir),
  }
}

export async function storedMessages(storageDir: string): Promise<Buffer[]> {
  const objects = join(storageDir, 'objects')
  const shards = await readdir(objects).catch(() => [] as string[])
  const files: Buffer[] = []
  for (const shard of shards.sort()) {
    for (const name of (await readdir(join(objects, shard))).sort()) files.push(await readFile(join(objects, shard, name)))
  }
  return files
}

/** A plain message with CRLF line ends, as it travels over SMTP. */
export function rawMessage(options: { to?: string; subject?: string; body?: string; headers?: string[] } = {}): string {
  const lines = [
    'From: Records Clerk <clerk@police.example.gov>',
    `To: ${options.to ?? `request-abc@${REPLY_DOMAIN}`}`,
    `Subject: ${options.subject ?? 'Re: Public records request'}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@police.example.gov>`,
    'Date: Tue, 01 Dec 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(options.headers ?? []),
    '',
    options.body ?? 'We received your request and will answer within five business days.',
    '',
  ]
  return lines.join('\r\n')
}
