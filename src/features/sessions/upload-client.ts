/**
 * Sends one log to `POST /api/uploads` as the raw request body. XMLHttpRequest rather than fetch:
 * it reports upload progress, so the bar shows bytes really sent, and the browser streams the file
 * from disk instead of reading it into memory.
 */
import { z } from 'zod'

export const ACCEPTED_EXTENSIONS = ['.jsonl', '.ndjson', '.json', '.txt'] as const

export function isAcceptedLogFile(name: string) {
  const lower = name.toLowerCase()
  return ACCEPTED_EXTENSIONS.some((extension) => lower.endsWith(extension))
}

const uploadedSchema = z.object({
  sessionId: z.string(),
  eventCount: z.number(),
  errorLines: z.number(),
  duplicate: z.boolean().optional(),
  warnings: z.array(z.string()).optional(),
})

export type UploadResult = z.infer<typeof uploadedSchema>

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
    this.name = 'UploadError'
  }
}

function messageOf(status: number, body: string) {
  try {
    const parsed = JSON.parse(body) as { message?: unknown }
    if (typeof parsed.message === 'string') return parsed.message
  } catch {
    // Not JSON (a proxy's error page): fall through to the generic text.
  }
  return `The server refused the upload (HTTP ${status}).`
}

export function uploadLogFile(
  file: File,
  name: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open('POST', `/api/uploads?filename=${encodeURIComponent(name)}`)
    request.setRequestHeader('content-type', 'application/octet-stream')
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total)
    }
    request.onload = () => {
      if (request.status === 201) {
        const parsed = uploadedSchema.safeParse(JSON.parse(request.responseText || '{}'))
        if (parsed.success) resolve(parsed.data)
        else reject(new UploadError('The server answered in an unexpected form.', request.status))
        return
      }
      reject(new UploadError(messageOf(request.status, request.responseText), request.status))
    }
    request.onerror = () =>
      reject(new UploadError('The upload did not reach the server. Check the connection and try again.', 0))
    request.onabort = () => reject(new UploadError('Upload cancelled.', 0))
    signal?.addEventListener('abort', () => request.abort(), { once: true })
    request.send(file)
  })
}
