import type { LucideIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { cn } from '~/lib/utils'

export function EmptyState({
  icon: Icon,
  title,
  children,
  actions,
  className,
  titleLevel = 2,
  tone = 'default',
}: {
  icon: LucideIcon
  title: string
  /** 1 when the empty state is the whole page (not found, failed page), 2 below a page header. */
  titleLevel?: 1 | 2
  tone?: 'default' | 'destructive'
  children?: ReactNode
  actions?: ReactNode
  className?: string
}) {
  const Title = titleLevel === 1 ? 'h1' : 'h2'
  return (
    <div
      className={cn(
        'flex flex-col items-center justify-center gap-3 rounded-xl border border-dashed bg-card/50 px-6 py-14 text-center',
        tone === 'destructive' && 'border-destructive/40',
        className,
      )}
    >
      <span
        className={cn(
          'flex size-12 items-center justify-center rounded-full',
          tone === 'destructive' ? 'bg-destructive/10 text-destructive' : 'bg-primary/10 text-primary',
        )}
      >
        <Icon className="size-6" aria-hidden />
      </span>
      <Title className="font-semibold text-lg">{title}</Title>
      {children ? <div className="max-w-md text-muted-foreground text-sm leading-relaxed">{children}</div> : null}
      {actions ? <div className="mt-2 flex flex-wrap items-center justify-center gap-2">{actions}</div> : null}
    </div>
  )
}
