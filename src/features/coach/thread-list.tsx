/** The threads of one (session, mode): select, rename, archive/unarchive, clear, delete, new chat. */
import {
  ArchiveIcon,
  ArchiveRestoreIcon,
  EraserIcon,
  MoreHorizontalIcon,
  PencilIcon,
  PlusIcon,
  Trash2Icon,
} from 'lucide-react'
import { type FormEvent, useState } from 'react'
import type { ChatThreadRow } from '~/collections/session-collections'
import { Button } from '~/components/ui/button'
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '~/components/ui/dropdown-menu'
import { Input } from '~/components/ui/input'
import { cn } from '~/lib/utils'
import type { ThreadAction } from './use-coach-threads'

export function ThreadList({
  threads,
  activeId,
  onNewChat,
  onAction,
  onRename,
}: {
  threads: ChatThreadRow[]
  activeId: string | null
  onNewChat: () => void
  onAction: (threadId: string, action: ThreadAction) => void
  onRename: (threadId: string, title: string) => void
}) {
  const [renaming, setRenaming] = useState<string | null>(null)
  const [title, setTitle] = useState('')
  const submitRename = (event: FormEvent) => {
    event.preventDefault()
    if (renaming) onRename(renaming, title)
    setRenaming(null)
  }
  return (
    <nav aria-label="Coach threads" className="flex min-w-0 flex-col gap-2">
      <Button variant="outline" size="sm" onClick={onNewChat}>
        <PlusIcon aria-hidden /> New chat
      </Button>
      <ul className="flex flex-col gap-1">
        {threads.map((thread) => (
          <li key={thread.id} className="flex items-center gap-1">
            {renaming === thread.id ? (
              <form onSubmit={submitRename} className="flex flex-1 gap-1">
                <Input
                  aria-label="Thread title"
                  value={title}
                  autoFocus
                  maxLength={200}
                  onChange={(event) => setTitle(event.target.value)}
                  onKeyDown={(event) => event.key === 'Escape' && setRenaming(null)}
                  className="h-8"
                />
                <Button type="submit" size="sm">
                  Save
                </Button>
              </form>
            ) : (
              <>
                <button
                  type="button"
                  onClick={() => thread.id !== activeId && onAction(thread.id, 'select')}
                  aria-current={thread.id === activeId ? 'true' : undefined}
                  className={cn(
                    'flex min-w-0 flex-1 flex-col rounded-md px-2 py-1.5 text-left text-sm outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring',
                    thread.id === activeId && 'bg-accent font-medium',
                  )}
                >
                  <span className="truncate">{thread.title}</span>
                  <span className="truncate text-muted-foreground text-xs">
                    {thread.status === 'archived' ? 'Archived · ' : ''}
                    {thread.messageCount} message{thread.messageCount === 1 ? '' : 's'}
                  </span>
                </button>
                <DropdownMenu>
                  <DropdownMenuTrigger asChild>
                    <Button variant="ghost" size="icon" className="size-8" aria-label={`Actions for ${thread.title}`}>
                      <MoreHorizontalIcon aria-hidden />
                    </Button>
                  </DropdownMenuTrigger>
                  <DropdownMenuContent align="end">
                    <DropdownMenuItem
                      onSelect={() => {
                        setTitle(thread.title)
                        setRenaming(thread.id)
                      }}
                    >
                      <PencilIcon aria-hidden /> Rename
                    </DropdownMenuItem>
                    {thread.status === 'archived' ? (
                      <DropdownMenuItem onSelect={() => onAction(thread.id, 'select')}>
                        <ArchiveRestoreIcon aria-hidden /> Unarchive
                      </DropdownMenuItem>
                    ) : (
                      <DropdownMenuItem onSelect={() => onAction(thread.id, 'archive')}>
                        <ArchiveIcon aria-hidden /> Archive
                      </DropdownMenuItem>
                    )}
                    <DropdownMenuItem onSelect={() => onAction(thread.id, 'clear')}>
                      <EraserIcon aria-hidden /> Clear messages
                    </DropdownMenuItem>
                    <DropdownMenuSeparator />
                    <DropdownMenuItem onSelect={() => onAction(thread.id, 'delete')} className="text-destructive">
                      <Trash2Icon aria-hidden /> Delete
                    </DropdownMenuItem>
                  </DropdownMenuContent>
                </DropdownMenu>
              </>
            )}
          </li>
        ))}
      </ul>
    </nav>
  )
}
