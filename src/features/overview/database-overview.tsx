import { useRouter } from '@tanstack/react-router'
import { DatabaseIcon, DatabaseZapIcon, RotateCcwIcon, RowsIcon, TableIcon, TriangleAlertIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { Alert, AlertDescription, AlertTitle } from '~/components/ui/alert'
import { Badge } from '~/components/ui/badge'
import { Button } from '~/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '~/components/ui/card'
import { formatCount } from '~/lib/format'
import { cn } from '~/lib/utils'
import type { OverviewResult } from '~/server/functions/overview'
import type { DatabaseOverview } from '~/server/repositories/overview-repository'
import { TableRowChart } from './table-row-chart'

/** Re-runs the page loader, so the status and counts are read from Postgres again. */
export function RefreshOverviewButton({ label = 'Refresh' }: { label?: string }) {
  const router = useRouter()
  return (
    <Button variant="outline" onClick={() => void router.invalidate()}>
      <RotateCcwIcon aria-hidden />
      {label}
    </Button>
  )
}

export function DatabaseOverviewView({ result }: { result: OverviewResult }) {
  if (result.status === 'error') return <DatabaseUnreachable message={result.message} />
  return <DatabaseOverviewDashboard overview={result.overview} />
}

function DatabaseUnreachable({ message }: { message: string }) {
  return (
    <Alert variant="destructive">
      <DatabaseZapIcon aria-hidden />
      <AlertTitle>The database cannot be reached</AlertTitle>
      <AlertDescription>
        <p>{message}</p>
        <p>
          Nothing was lost: every session, chat and todo is stored in Postgres and comes back once the server reaches
          it. Check the server log, then try again.
        </p>
        <RefreshOverviewButton label="Try again" />
      </AlertDescription>
    </Alert>
  )
}

function StatTile({
  icon,
  label,
  value,
  detail,
  className,
}: {
  icon: ReactNode
  label: string
  value: ReactNode
  detail: ReactNode
  className?: string
}) {
  return (
    <Card className={cn('gap-2', className)}>
      <CardHeader className="flex-row items-center justify-between">
        <CardDescription className="font-medium">{label}</CardDescription>
        <span className="text-muted-foreground [&_svg]:size-4">{icon}</span>
      </CardHeader>
      <CardContent className="flex flex-col gap-1">
        <div className="font-semibold text-2xl tabular-nums tracking-tight">{value}</div>
        <div className="text-muted-foreground text-xs">{detail}</div>
      </CardContent>
    </Card>
  )
}

function DatabaseOverviewDashboard({ overview }: { overview: DatabaseOverview }) {
  const accountRows = overview.account.reduce((sum, table) => sum + (table.rows ?? 0), 0)
  return (
    <div className="flex flex-col gap-6">
      {overview.server ? <ServerSummary server={overview.server} /> : null}
      <Card>
        <CardHeader>
          <CardTitle>Your data</CardTitle>
          <CardDescription>
            {accountRows === 0
              ? 'Nothing stored for your account yet. Rows appear here as sessions, chats and todos are stored.'
              : `${formatCount(accountRows)} rows of your account; exact counts, read when this page loaded.`}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <TableRowChart tables={overview.account} caption="Number of rows in each table" testIdPrefix="row-count-" />
        </CardContent>
      </Card>
    </div>
  )
}

/** Operators only (see docs/security.md): the Postgres server and every account's rows. */
function ServerSummary({ server }: { server: NonNullable<DatabaseOverview['server']> }) {
  const { status, tables } = server
  const missingTables = tables.filter((table) => table.rows === null)
  const totalRows = tables.reduce((sum, table) => sum + (table.rows ?? 0), 0)
  const logical = status.walLevel === 'logical'

  return (
    <>
      {missingTables.length > 0 ? (
        <Alert variant="warning">
          <TriangleAlertIcon aria-hidden />
          <AlertTitle>
            {missingTables.length} of {tables.length} tables are missing
          </AlertTitle>
          <AlertDescription>
            <p>
              The schema has not been migrated into this database yet. Run{' '}
              <code className="font-mono">pnpm db:migrate</code> (or restart with{' '}
              <code className="font-mono">npm start</code>, which migrates first).
            </p>
          </AlertDescription>
        </Alert>
      ) : null}

      <div className="grid grid-cols-2 gap-4 sm:grid-cols-3">
        <StatTile
          className="col-span-2 sm:col-span-1"
          icon={<DatabaseIcon />}
          label="Database"
          value={
            <span className="flex items-center gap-2">
              <span className="size-2.5 rounded-full bg-success" aria-hidden />
              Connected
            </span>
          }
          detail={`PostgreSQL ${status.serverVersion}`}
        />
        <StatTile
          icon={<TableIcon />}
          label="Tables"
          value={formatCount(tables.length - missingTables.length)}
          detail={
            missingTables.length === 0 ? 'Every table of the schema exists' : `${missingTables.length} not migrated`
          }
        />
        <StatTile
          icon={<RowsIcon />}
          label="Rows stored"
          value={formatCount(totalRows)}
          detail={totalRows === 0 ? 'Nothing stored yet' : `Across ${tables.length} tables, all accounts`}
        />
      </div>

      <div className="grid items-start gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-1">
          <CardHeader>
            <CardTitle>Connection</CardTitle>
            <CardDescription>The Postgres server this app instance reads and writes.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-3 text-sm">
              <dt className="text-muted-foreground">Status</dt>
              <dd>
                <Badge variant="success">Connected</Badge>
              </dd>
              <dt className="text-muted-foreground">Database</dt>
              <dd className="truncate font-mono" data-testid="database-name">
                {status.databaseName}
              </dd>
              <dt className="text-muted-foreground">Server version</dt>
              <dd className="font-mono" data-testid="server-version">
                {status.serverVersion}
              </dd>
              <dt className="text-muted-foreground">WAL level</dt>
              <dd className="flex flex-wrap items-center gap-2">
                <span className="font-mono" data-testid="wal-level">
                  {status.walLevel}
                </span>
                {logical ? (
                  <Badge variant="success">live sync ready</Badge>
                ) : (
                  <Badge variant="warning">needs logical</Badge>
                )}
              </dd>
            </dl>
            {logical ? null : (
              <p className="mt-4 text-muted-foreground text-xs leading-relaxed">
                Live sync reads the write-ahead log. Start Postgres with{' '}
                <code className="font-mono">wal_level=logical</code> and restart it.
              </p>
            )}
          </CardContent>
        </Card>

        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Rows per table, all accounts</CardTitle>
            <CardDescription>
              {totalRows === 0
                ? 'The database is empty.'
                : 'Exact counts across every account, read when this page loaded. Only operators see this.'}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <TableRowChart
              tables={tables}
              caption="Rows in each table across all accounts"
              testIdPrefix="server-row-count-"
            />
          </CardContent>
        </Card>
      </div>
    </>
  )
}
