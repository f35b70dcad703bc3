/**
 * Recharts styling from the theme's CSS variables (src/styles/app.css), so every chart follows
 * light and dark mode without re-rendering. Series colours keep 3:1 contrast against the card.
 */
import type { CSSProperties } from 'react'

export const SERIES_COLORS = {
  primary: 'var(--chart)',
  secondary: 'var(--chart-2)',
  tertiary: 'var(--chart-3)',
  quaternary: 'var(--chart-4)',
  failure: 'var(--destructive)',
} as const

export const AXIS_TICK = { fill: 'var(--muted-foreground)', fontSize: 12 }
export const GRID_STROKE = 'var(--chart-grid)'

export const TOOLTIP_CONTENT_STYLE: CSSProperties = {
  background: 'var(--popover)',
  border: '1px solid var(--border)',
  borderRadius: 8,
  color: 'var(--popover-foreground)',
  fontSize: 12,
  boxShadow: '0 4px 12px rgb(0 0 0 / 0.12)',
}
export const TOOLTIP_LABEL_STYLE: CSSProperties = { color: 'var(--popover-foreground)', fontWeight: 600 }
export const TOOLTIP_CURSOR = { fill: 'var(--muted)', opacity: 0.6 }
export const LEGEND_STYLE: CSSProperties = { fontSize: 12, color: 'var(--muted-foreground)' }
