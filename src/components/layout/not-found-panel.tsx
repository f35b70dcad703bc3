import { Link } from '@tanstack/react-router'
import { CompassIcon } from 'lucide-react'
import { Button } from '~/components/ui/button'
import { EmptyState } from './empty-state'

export function NotFoundPanel() {
  return (
    <EmptyState
      icon={CompassIcon}
      title="Page not found"
      titleLevel={1}
      actions={
        <Button asChild>
          <Link to="/">Back to your sessions</Link>
        </Button>
      }
    >
      <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
    </EmptyState>
  )
}
