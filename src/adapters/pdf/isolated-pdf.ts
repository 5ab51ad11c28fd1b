import { type ChildProcess, fork } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RasterImage } from '../ocr/ocr.js'
import { ReadingLimitError } from '../reading-limits.js'
import { PdfUnreadableError } from './pdf-reader.js'

export type ChildRequest =
  | { type: 'open'; path: string; maxImagePixels: number; ocrPixels: number; withPixels: boolean }
  | { type: 'page'; number: number }
  | { type: 'close' }

export type ChildReply =
  | { type: 'opened'; pageCount: number }
  | { type: 'page'; number: number; text: string; imageCount: number; images: RasterImage[]; oversizedImage: boolean }
  | { type: 'error'; message: string; unreadable: boolean }

export interface PdfPage {
  /** The page's text layer; '' when it has none. */
  text: string
  /** Images drawn on a page without text (up to four), and how many. */
  imageCount: number
  /** Those images in gray, shrunk to the OCR size: only when opened `withPixels`. */
  images: RasterImage[]
  /** The page draws an image larger than the limit, which was not decoded. */
  oversizedImage: boolean
}

export interface IsolatedPdf {
  pageCount: number
  /** Page `number`; pages must be asked for in order. The next few are read ahead meanwhile. */
  page(number: number): Promise<PdfPage>
  close(): void
}

export interface PdfLimits {
  /** Resident memory the child may reach; it is killed beyond it. */
  memoryMb: number
  /** Images with more pixels are not decoded. */
  maxImagePixels: number
  /** Images handed back for OCR are shrunk to at most this many pixels. */
  ocrPixels: number
  withPixels: boolean
  /** No page after this one is read ahead. */
  maxPages: number
  /** When (epoch ms) the child is killed, whatever it is doing. */
  deadline: number
}

// The child's file beside this one: pdf-child.ts when running the sources (its loader comes along
// in execArgv), pdf-child.js in the compiled build (dist/).
const CHILD = fileURLToPath(new URL(`./pdf-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url))
const READ_AHEAD = 8
const MEMORY_CHECK_MS = 50

/**
 * Opens a PDF in a child process (src/adapters/pdf/pdf-child.ts) that holds pdf.js. A PDF that
 * would take more memory or time than allowed kills the child, and the calls waiting on it reject
 * with ReadingLimitError; a PDF that cannot be read rejects with PdfUnreadableError.
 *
 * Memory: the V8 heap is capped by --max-old-space-size, but decoded images live outside it, and
 * V8 reserves far more address space than it uses, so an RLIMIT_AS would refuse Node itself. The
 * child's resident set is read from /proc instead, every 50 ms, and the child killed above the limit
 * (on systems without /proc, only the heap cap and pdf.js's image limit hold).
 *
 * Starting Node with pdf.js takes seconds on a busy machine, so a child that finished a PDF within
 * its limits waits, idle and not keeping this process alive, for the next one.
 */
export async function openIsolatedPdf(path: string, limits: PdfLimits): Promise<IsolatedPdf> {
  const child = idle.get(limits.memoryMb)?.pop() ?? startChild(limits.memoryMb)
  child.ref()
  child.channel?.ref()
  child.removeAllListeners('message')
  child.removeAllListeners('exit')
  const waiting: { resolve(reply: ChildReply): void; reject(error: Error): void }[] = []
  let ended: Error | undefined
  let killedFor: ReadingLimitError | undefined
  const end = (error: Error) => {
    ended ??= error
    clearInterval(memoryWatch)
    clearTimeout(deadline)
    for (const waiter of waiting.splice(0)) waiter.reject(ended)
  }
  const kill = (reason: ReadingLimitError) => {
    killedFor ??= reason
    child.kill('SIGKILL')
  }
  const memoryWatch = setInterval(() => {
    residentMb(child).then(
      (mb) => {
        if (mb > limits.memoryMb) kill(new ReadingLimitError('memory', `Reading the PDF needed more than ${limits.memoryMb} MB of memory.`))
      },
      () => {},
    )
  }, MEMORY_CHECK_MS)
  const deadline = setTimeout(
    () => kill(new ReadingLimitError('time', 'Reading the PDF took longer than the time allowed per document.')),
    Math.max(0, limits.deadline - Date.now()),
  )
  child.on('message', (reply: ChildReply) => {
    const waiter = waiting.shift()
    if (!waiter) return
    if (reply.type === 'error') waiter.reject(reply.unreadable ? new PdfUnreadableError(reply.message) : new Error(reply.message))
    else waiter.resolve(reply)
  })
  child.on('exit', (code, signal) => {
    // V8 aborts when the heap limit is reached.
    const outOfHeap = signal === 'SIGABRT' || code === 134
    end(
      killedFor ??
        (outOfHeap
          ? new ReadingLimitError('memory', `Reading the PDF needed more than ${limits.memoryMb} MB of memory.`)
          : new Error(`The PDF reader stopped (code ${code}, signal ${signal}).`)),
    )
  })
  const ask = (request: ChildRequest) =>
    new Promise<ChildReply>((resolve, reject) => {
      if (ended) return reject(ended)
      waiting.push({ resolve, reject })
      child.send(request)
    })

  let opened: ChildReply
  try {
    opened = await ask({
      type: 'open',
      path,
      maxImagePixels: limits.maxImagePixels,
      ocrPixels: limits.ocrPixels,
      withPixels: limits.withPixels,
    })
  } catch (error) {
    end(error as Error)
    child.kill('SIGKILL')
    throw error
  }
  const pageCount = (opened as Extract<ChildReply, { type: 'opened' }>).pageCount
  const requested = new Map<number, Promise<ChildReply>>()
  let next = 1
  return {
    pageCount,
    async page(number) {
      while (next <= Math.min(pageCount, limits.maxPages, number + READ_AHEAD)) {
        const pending = ask({ type: 'page', number: next })
        // Read-ahead that nobody waits for must not be an unhandled rejection.
        pending.catch(() => {})
        requested.set(next, pending)
        next += 1
      }
      const reply = (await requested.get(number)!) as Extract<ChildReply, { type: 'page' }>
      requested.delete(number)
      return { text: reply.text, imageCount: reply.imageCount, images: reply.images, oversizedImage: reply.oversizedImage }
    },
    close() {
      const reusable = !ended && waiting.length === 0
      end(new Error('The PDF reader was closed.'))
      if (!reusable) {
        child.kill('SIGKILL')
        return
      }
      child.send({ type: 'close' } satisfies ChildRequest)
      child.removeAllListeners('message')
      child.removeAllListeners('exit')
      child.once('exit', () => forget(child, limits.memoryMb))
      child.unref()
      child.channel?.unref()
      const children = idle.get(limits.memoryMb) ?? []
      children.push(child)
      idle.set(limits.memoryMb, children)
    },
  }
}

/** Children waiting for their next PDF, by their heap limit. */
const idle = new Map<number, ChildProcess[]>()

function startChild(memoryMb: number): ChildProcess {
  const child = fork(CHILD, [], {
    execArgv: [...process.execArgv, `--max-old-space-size=${memoryMb}`],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  // Reported by 'exit' as well, which ends whatever waits on the child.
  child.on('error', () => {})
  return child
}

function forget(child: ChildProcess, memoryMb: number): void {
  const children = idle.get(memoryMb) ?? []
  const at = children.indexOf(child)
  if (at >= 0) children.splice(at, 1)
}

async function residentMb(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0)
  return kb / 1024
}
