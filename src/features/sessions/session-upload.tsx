/**
 * Upload of agent logs: drop files or folders, or pick them with the file or folder picker. Files
 * go up one at a time with a real progress bar (bytes sent); each ends with what the server made of
 * it. The session itself appears in the list through the sessions shape, while it is being read.
 */
import { CircleAlertIcon, CircleCheckIcon, FileUpIcon, FolderUpIcon, UploadIcon } from 'lucide-react'
import { type DragEvent, useId, useRef, useState } from 'react'
import { Button } from '~/components/ui/button'
import { formatCount } from '~/lib/format'
import { cn } from '~/lib/utils'
import { filesFromDrop, filesFromInput, type NamedFile } from './dropped-files'
import { ACCEPTED_EXTENSIONS, isAcceptedLogFile, uploadLogFile } from './upload-client'

type UploadState =
  | { phase: 'waiting' }
  | { phase: 'sending'; fraction: number }
  | { phase: 'reading' }
  | { phase: 'done'; summary: string; warnings: string[] }
  | { phase: 'failed'; message: string }

interface UploadItem {
  id: number
  name: string
  size: number
  state: UploadState
}

const ACCEPT = ACCEPTED_EXTENSIONS.join(',')

function formatSize(bytes: number) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1024))} KB`
}

function summaryOf(eventCount: number, errorLines: number) {
  const events = `${formatCount(eventCount)} event${eventCount === 1 ? '' : 's'}`
  return errorLines > 0 ? `${events}, ${formatCount(errorLines)} unreadable line${errorLines === 1 ? '' : 's'}` : events
}

export function SessionUpload() {
  const [items, setItems] = useState<UploadItem[]>([])
  const [dragging, setDragging] = useState(false)
  const [skipped, setSkipped] = useState<string[]>([])
  const nextId = useRef(1)
  const queue = useRef(Promise.resolve())
  const fileInput = useRef<HTMLInputElement>(null)
  const folderInput = useRef<HTMLInputElement>(null)
  const headingId = useId()
  const hintId = useId()

  const update = (id: number, state: UploadState) =>
    setItems((current) => current.map((item) => (item.id === id ? { ...item, state } : item)))

  function enqueue(files: NamedFile[]) {
    const accepted = files.filter((entry) => isAcceptedLogFile(entry.name))
    setSkipped(files.filter((entry) => !isAcceptedLogFile(entry.name)).map((entry) => entry.name))
    const added = accepted.map(
      (entry) =>
        ({ id: nextId.current++, name: entry.name, size: entry.file.size, state: { phase: 'waiting' } }) as UploadItem,
    )
    setItems((current) => [...added, ...current])
    accepted.forEach((entry, index) => {
      const id = added[index].id
      // One upload at a time: the server streams each into Postgres, and order is predictable.
      queue.current = queue.current.then(async () => {
        update(id, { phase: 'sending', fraction: 0 })
        try {
          const result = await uploadLogFile(entry.file, entry.name, (fraction) =>
            update(id, fraction >= 1 ? { phase: 'reading' } : { phase: 'sending', fraction }),
          )
          update(id, {
            phase: 'done',
            summary: summaryOf(result.eventCount, result.errorLines),
            warnings: result.warnings ?? [],
          })
        } catch (error) {
          update(id, { phase: 'failed', message: error instanceof Error ? error.message : String(error) })
        }
      })
    })
  }

  async function onDrop(event: DragEvent<HTMLElement>) {
    event.preventDefault()
    setDragging(false)
    enqueue(await filesFromDrop(event.dataTransfer))
  }

  return (
    <section aria-labelledby={headingId} className="flex flex-col gap-3">
      <h2 id={headingId} className="sr-only">
        Upload session logs
      </h2>
      {/* Drop target for mice; the buttons inside are the keyboard and screen-reader way in. */}
      <section
        aria-label="Drop zone for session logs"
        aria-describedby={hintId}
        onDragOver={(event) => {
          event.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="upload-drop-zone"
        className={cn(
          'flex flex-col items-center gap-3 rounded-xl border border-dashed bg-card/50 px-6 py-8 text-center transition-colors',
          dragging && 'border-primary bg-primary/5',
        )}
      >
        <UploadIcon className="size-6 text-primary" aria-hidden />
        <p id={hintId} className="max-w-md text-muted-foreground text-sm">
          Drop Codex, Gemini CLI or Claude Code logs (or folders of them) here, or choose them below. Accepted:{' '}
          {ACCEPTED_EXTENSIONS.join(' ')}.
        </p>
        <div className="flex flex-wrap justify-center gap-2">
          <Button type="button" onClick={() => fileInput.current?.click()}>
            <FileUpIcon aria-hidden />
            Choose files
          </Button>
          <Button type="button" variant="outline" onClick={() => folderInput.current?.click()}>
            <FolderUpIcon aria-hidden />
            Choose a folder
          </Button>
        </div>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept={ACCEPT}
          className="sr-only"
          tabIndex={-1}
          aria-label="Session log files"
          data-testid="upload-file-input"
          onChange={(event) => {
            enqueue(filesFromInput(event.currentTarget.files))
            event.currentTarget.value = ''
          }}
        />
        <input
          ref={folderInput}
          type="file"
          multiple
          className="sr-only"
          tabIndex={-1}
          aria-label="Folder of session logs"
          {...{ webkitdirectory: '' }}
          onChange={(event) => {
            enqueue(filesFromInput(event.currentTarget.files))
            event.currentTarget.value = ''
          }}
        />
      </section>
      {skipped.length > 0 ? (
        <p role="status" className="text-muted-foreground text-sm">
          Skipped {formatCount(skipped.length)} file{skipped.length === 1 ? '' : 's'} that{' '}
          {skipped.length === 1 ? 'is' : 'are'} not {ACCEPTED_EXTENSIONS.join(', ')}: {skipped.slice(0, 3).join(', ')}
          {skipped.length > 3 ? ', …' : ''}
        </p>
      ) : null}
      {items.length > 0 ? (
        <ul aria-label="Uploads" className="flex flex-col gap-2">
          {items.map((item) => (
            <UploadRow key={item.id} item={item} />
          ))}
        </ul>
      ) : null}
    </section>
  )
}

function UploadRow({ item }: { item: UploadItem }) {
  const labelId = useId()
  const { state } = item
  return (
    <li className="flex flex-col gap-1.5 rounded-lg border bg-card px-3 py-2 text-sm" data-testid="upload-item">
      <div className="flex items-center justify-between gap-3">
        <span id={labelId} className="truncate font-medium">
          {item.name}
        </span>
        <span className="shrink-0 text-muted-foreground text-xs">{formatSize(item.size)}</span>
      </div>
      {state.phase === 'sending' || state.phase === 'waiting' || state.phase === 'reading' ? (
        <>
          <progress
            aria-labelledby={labelId}
            className="h-2 w-full overflow-hidden rounded-full accent-primary"
            max={1}
            value={state.phase === 'sending' ? state.fraction : state.phase === 'reading' ? 1 : 0}
          />
          <span className="text-muted-foreground text-xs">
            {state.phase === 'waiting'
              ? 'Waiting…'
              : state.phase === 'reading'
                ? 'Sent; storing events…'
                : `Sending… ${Math.round(state.fraction * 100)}%`}
          </span>
        </>
      ) : null}
      {state.phase === 'done' ? (
        <p role="status" className="flex items-start gap-1.5 text-success text-xs">
          <CircleCheckIcon className="mt-px size-3.5 shrink-0" aria-hidden />
          <span>
            Stored: {state.summary}.{state.warnings.length > 0 ? ` ${state.warnings.join(' ')}` : ''}
          </span>
        </p>
      ) : null}
      {state.phase === 'failed' ? (
        <p role="alert" className="flex items-start gap-1.5 text-destructive text-xs">
          <CircleAlertIcon className="mt-px size-3.5 shrink-0" aria-hidden />
          <span>{state.message}</span>
        </p>
      ) : null}
    </li>
  )
}
