import { Badge } from '~/components/ui/badge'
import type { HookSeverity } from '~/domain/hookify/gate'

const VARIANT: Record<HookSeverity, 'destructive' | 'secondary' | 'outline'> = {
  critical: 'destructive',
  high: 'destructive',
  medium: 'outline',
  low: 'secondary',
  info: 'outline',
  none: 'outline',
}

/** The severity as a word (never colour alone), so it reads the same to everyone. */
export function SeverityBadge({ severity }: { severity: HookSeverity }) {
  return (
    // The warning colour as text fails contrast on a light card, so medium shows it as a border only.
    <Badge
      variant={VARIANT[severity]}
      className={severity === 'medium' ? 'border-warning' : undefined}
      data-severity={severity}
    >
      {severity}
    </Badge>
  )
}
