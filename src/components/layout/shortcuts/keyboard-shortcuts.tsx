/**
 * The header's keyboard button and the dialog listing every shortcut (SHORTCUT_GROUPS); also
 * installs the global shortcuts, so mounting it once in the shell enables them everywhere.
 */
import { KeyboardIcon } from 'lucide-react'
import { Fragment, useCallback, useState } from 'react'
import { Button } from '~/components/ui/button'
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '~/components/ui/dialog'
import { keysOf, SHORTCUT_GROUPS } from './shortcut-registry'
import { useGlobalShortcuts } from './use-global-shortcuts'

const KEY_NAMES: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑', Ctrl: 'Ctrl', Escape: 'Esc' }

function Keys({ combination }: { combination: string }) {
  return (
    <span className="inline-flex items-center gap-0.5">
      {keysOf(combination).map((key, index) => (
        <Fragment key={key}>
          {index > 0 ? <span aria-hidden>+</span> : null}
          <kbd className="min-w-6 rounded border bg-muted px-1.5 py-0.5 text-center font-mono text-xs shadow-xs">
            {KEY_NAMES[key] ?? key}
          </kbd>
        </Fragment>
      ))}
    </span>
  )
}

export function KeyboardShortcuts() {
  const [open, setOpen] = useState(false)
  const openShortcuts = useCallback(() => setOpen(true), [])
  useGlobalShortcuts({ openShortcuts })
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="icon" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          <KeyboardIcon aria-hidden />
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel="Close keyboard shortcuts" className="max-h-[85dvh] overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Keyboard shortcuts</DialogTitle>
          <DialogDescription>Press ? to open this list, Escape to close it.</DialogDescription>
        </DialogHeader>
        <div className="flex flex-col gap-5">
          {SHORTCUT_GROUPS.map((group) => (
            <section key={group.title} aria-labelledby={`shortcuts-${group.title}`}>
              <h3 id={`shortcuts-${group.title}`} className="font-medium text-sm">
                {group.title}
              </h3>
              <p className="mb-2 text-muted-foreground text-xs">{group.where}</p>
              <dl className="flex flex-col gap-1.5">
                {group.shortcuts.map((shortcut) => (
                  <div key={shortcut.description} className="flex items-start justify-between gap-4 text-sm">
                    <dt className="flex flex-wrap items-center gap-1">
                      {shortcut.keys.map((combination, index) => (
                        <Fragment key={combination}>
                          {index > 0 ? <span className="text-muted-foreground text-xs">or</span> : null}
                          <Keys combination={combination} />
                        </Fragment>
                      ))}
                    </dt>
                    <dd className="text-right text-muted-foreground">{shortcut.description}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </DialogContent>
    </Dialog>
  )
}
