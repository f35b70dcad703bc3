/**
 * A session's actions in the explorer: add to coach (a button), and a menu with copy id, raw
 * download, rename, archive/unarchive and delete (the last two behind dialogs).
 */
import {
  ArchiveIcon,
  ArchiveRestoreIcon,
  CopyIcon,
  DownloadIcon,
  EllipsisVerticalIcon,
  MessageSquarePlusIcon,
  PencilIcon,
  Share2Icon,
  Trash2Icon,
} from 'lucide-react'
import { type FormEvent, useId, useState } from 'react'
import { notify } from '~/components/layout/notifications'
import { Button } from '~/components/ui/button'
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '~/components/ui/dialog'
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '~/components/ui/dropdown-menu'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'
import type { Session } from '~/db/schema'
import { SESSION_TITLE_MAX_LENGTH, sessionTitleSchema } from '~/domain/sessions/session-title'
import { useAddToCoach } from '~/features/hookify/use-add-to-coach'
import { ShareDialog } from '~/features/share/share-dialog'
import { plural } from './session-format'
import { deleteSession, renameSession, setArchived } from './session-mutations'

/** What the coach is asked when a whole session is added from the explorer. */
export function sessionCoachPrompt(session: Pick<Session, 'repoName'>, title: string) {
  return `I am looking at session ${title}\nRepo: ${session.repoName ?? 'unknown'}\n\nPlease analyze this session context.`
}

async function copySessionId(session: Session) {
  try {
    await navigator.clipboard.writeText(session.id)
    notify({ tone: 'success', title: 'Session id copied', description: session.id })
  } catch {
    // Clipboard access needs a secure context and permission; show the id so it can be copied by hand.
    notify({ tone: 'warning', title: 'Could not copy to the clipboard', description: session.id })
  }
}

export function AddToCoachButton({ session, title }: { session: Session; title: string }) {
  const addToCoach = useAddToCoach()
  const [busy, setBusy] = useState(false)
  return (
    <Button
      variant="ghost"
      size="icon"
      className="size-8"
      aria-label={`Add “${title}” to coach`}
      title="Add to coach"
      disabled={busy}
      onClick={async () => {
        setBusy(true)
        try {
          await addToCoach({ sessionId: session.id, source: 'session', content: sessionCoachPrompt(session, title) })
        } catch {
          // useAddToCoach already told the person what went wrong.
        } finally {
          setBusy(false)
        }
      }}
    >
      <MessageSquarePlusIcon aria-hidden />
    </Button>
  )
}

export function SessionActionsMenu({ session, title }: { session: Session; title: string }) {
  const [dialog, setDialog] = useState<'rename' | 'delete' | 'share' | null>(null)
  const archived = session.archivedAt !== null
  const closeDialog = (open: boolean) => {
    if (!open) setDialog(null)
  }
  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" className="size-8" aria-label={`Actions for “${title}”`}>
            <EllipsisVerticalIcon aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="min-w-48">
          <DropdownMenuItem onSelect={() => void copySessionId(session)}>
            <CopyIcon aria-hidden />
            Copy id
          </DropdownMenuItem>
          {session.source === 'legacy' ? null : (
            <DropdownMenuItem asChild>
              <a href={`/api/sessions/${session.id}/raw`} download>
                <DownloadIcon aria-hidden />
                Download raw log
              </a>
            </DropdownMenuItem>
          )}
          <DropdownMenuItem onSelect={() => setDialog('share')}>
            <Share2Icon aria-hidden />
            Share…
          </DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setDialog('rename')}>
            <PencilIcon aria-hidden />
            Rename…
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => void setArchived(session.id, title, !archived)}>
            {archived ? <ArchiveRestoreIcon aria-hidden /> : <ArchiveIcon aria-hidden />}
            {archived ? 'Unarchive' : 'Archive'}
          </DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem
            className="text-destructive data-[highlighted]:bg-destructive/10 data-[highlighted]:text-destructive"
            onSelect={() => setDialog('delete')}
          >
            <Trash2Icon aria-hidden />
            Delete…
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <Dialog open={dialog === 'rename'} onOpenChange={closeDialog}>
        {dialog === 'rename' ? (
          <RenameDialogContent session={session} title={title} onDone={() => setDialog(null)} />
        ) : null}
      </Dialog>
      <ShareDialog sessionId={session.id} title={title} open={dialog === 'share'} onOpenChange={closeDialog} />
      <Dialog open={dialog === 'delete'} onOpenChange={closeDialog}>
        {dialog === 'delete' ? (
          <DeleteDialogContent session={session} title={title} onDone={() => setDialog(null)} />
        ) : null}
      </Dialog>
    </>
  )
}

function RenameDialogContent({ session, title, onDone }: { session: Session; title: string; onDone: () => void }) {
  const [value, setValue] = useState(title)
  const [problem, setProblem] = useState<string | null>(null)
  const inputId = useId()
  const problemId = useId()

  function submit(event: FormEvent) {
    event.preventDefault()
    const parsed = sessionTitleSchema.safeParse(value)
    if (!parsed.success) return setProblem(parsed.error.issues[0]?.message ?? 'Enter a title.')
    onDone()
    if (parsed.data !== session.title) void renameSession(session.id, parsed.data)
  }

  return (
    <DialogContent closeLabel="Cancel renaming">
      <form onSubmit={submit} className="grid gap-4" noValidate>
        <DialogHeader>
          <DialogTitle>Rename session</DialogTitle>
          <DialogDescription>The new title shows everywhere and stays when the log is read again.</DialogDescription>
        </DialogHeader>
        <div className="grid gap-2">
          <Label htmlFor={inputId}>Title</Label>
          <Input
            id={inputId}
            value={value}
            autoFocus
            maxLength={SESSION_TITLE_MAX_LENGTH + 50}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? problemId : undefined}
            onChange={(event) => {
              setValue(event.currentTarget.value)
              setProblem(null)
            }}
          />
          {problem ? (
            <p id={problemId} className="text-destructive text-sm">
              {problem}
            </p>
          ) : null}
        </div>
        <DialogFooter>
          <Button type="button" variant="outline" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit">Save</Button>
        </DialogFooter>
      </form>
    </DialogContent>
  )
}

function DeleteDialogContent({ session, title, onDone }: { session: Session; title: string; onDone: () => void }) {
  const live = session.status === 'live'
  return (
    <DialogContent closeLabel="Cancel deleting">
      <DialogHeader>
        <DialogTitle>Delete this session?</DialogTitle>
        <DialogDescription>
          “{title}” and everything stored with it go from the server: {plural(session.eventCount, 'event')}, its
          uploaded log, and its coach chats. Todos linked to it stay, unlinked. This cannot be undone.
        </DialogDescription>
      </DialogHeader>
      {live ? (
        <p className="rounded-md border border-warning/30 bg-warning/10 px-3 py-2 text-sm" role="note">
          This session is still being written. Wait until it is complete, then delete it.
        </p>
      ) : null}
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onDone} autoFocus>
          Cancel
        </Button>
        <Button
          type="button"
          variant="destructive"
          disabled={live}
          onClick={() => {
            onDone()
            void deleteSession(session.id)
          }}
        >
          <Trash2Icon aria-hidden />
          Delete session
        </Button>
      </DialogFooter>
    </DialogContent>
  )
}
