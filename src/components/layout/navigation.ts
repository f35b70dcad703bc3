import type { LinkProps } from '@tanstack/react-router'
import {
  BarChart3Icon,
  ListTodoIcon,
  type LucideIcon,
  MessagesSquareIcon,
  ScrollTextIcon,
  SearchIcon,
  SettingsIcon,
  ShieldCheckIcon,
} from 'lucide-react'

export interface NavigationItem {
  to: NonNullable<LinkProps['to']>
  label: string
  icon: LucideIcon
  /** Only "/" needs exact matching; every other section stays active on its sub-pages. */
  exact?: boolean
  /** Paths outside `to` that belong to this section (a session's pages live under /sessions/). */
  activeUnder?: string
}

export const NAVIGATION: readonly NavigationItem[] = [
  { to: '/', label: 'Sessions', icon: ScrollTextIcon, exact: true, activeUnder: '/sessions/' },
  { to: '/search', label: 'Search', icon: SearchIcon },
  { to: '/stats', label: 'Stats', icon: BarChart3Icon },
  { to: '/coach', label: 'Coach', icon: MessagesSquareIcon },
  { to: '/rules', label: 'Rules', icon: ShieldCheckIcon },
  { to: '/todos', label: 'Todos', icon: ListTodoIcon },
  { to: '/settings', label: 'Settings', icon: SettingsIcon },
]
