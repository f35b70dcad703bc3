import { createFileRoute } from '@tanstack/react-router'
import { PageHeader } from '~/components/layout/page-header'
import { THEME_LABELS } from '~/components/layout/theme-toggle'
import { Badge } from '~/components/ui/badge'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '~/components/ui/card'
import { Label } from '~/components/ui/label'
import { RadioGroup, RadioGroupItem } from '~/components/ui/radio-group'
import { ApiTokensSection } from '~/features/api-tokens/api-tokens-section'
import { DatabaseOverviewView, RefreshOverviewButton } from '~/features/overview/database-overview'
import { ShareLinksSettings } from '~/features/share/share-links-settings'
import { usePreference } from '~/lib/preferences'
import { isThemePreference, THEME_PREFERENCES, themePreference } from '~/lib/theme'
import { getOverview, type OverviewResult } from '~/server/functions/overview'

export const Route = createFileRoute('/_app/settings')({
  head: () => ({ meta: [{ title: 'Settings · Session Coach' }] }),
  // The System section is for operators only; nobody else's page asks the server for it.
  loader: async ({ parentMatchPromise }) => {
    const operator = (await parentMatchPromise).loaderData?.operator ?? false
    return { system: operator ? await getOverview() : null }
  },
  component: SettingsPage,
})

const THEME_HINTS = {
  light: 'Always light.',
  dark: 'Always dark.',
  system: 'Follows your operating system.',
} as const

function SettingsPage() {
  const theme = usePreference(themePreference)
  const { system } = Route.useLoaderData()
  return (
    <>
      <PageHeader
        title="Settings"
        description={
          system
            ? 'Preferences for this browser, your API tokens and share links, and the state of this server.'
            : 'Preferences for this browser, your API tokens and share links.'
        }
      />
      <div className="grid gap-4">
        <Card>
          <CardHeader>
            <CardTitle id="appearance-heading">Appearance</CardTitle>
            <CardDescription>Saved in this browser only; other devices keep their own choice.</CardDescription>
          </CardHeader>
          <CardContent>
            <RadioGroup
              aria-labelledby="appearance-heading"
              value={theme}
              onValueChange={(value) => {
                if (isThemePreference(value)) themePreference.set(value)
              }}
              className="sm:grid-cols-3"
            >
              {THEME_PREFERENCES.map((option) => (
                <Label
                  key={option}
                  htmlFor={`theme-${option}`}
                  className="cursor-pointer items-start gap-3 rounded-lg border p-4 has-[[data-state=checked]]:border-primary has-[[data-state=checked]]:bg-primary/5"
                >
                  <RadioGroupItem id={`theme-${option}`} value={option} className="mt-0.5" />
                  <span className="flex flex-col gap-1">
                    <span>{THEME_LABELS[option]}</span>
                    <span className="font-normal text-muted-foreground text-xs">{THEME_HINTS[option]}</span>
                  </span>
                </Label>
              ))}
            </RadioGroup>
          </CardContent>
        </Card>
        <ApiTokensSection />
        <ShareLinksSettings />
        <p className="text-muted-foreground text-sm">
          Coach provider, session discovery folders and account settings arrive with the features they configure.
        </p>
        {system ? <SystemSection result={system} /> : null}
      </div>
    </>
  )
}

/** Operators only: the Postgres server and the rows of every table (src/features/overview/). */
function SystemSection({ result }: { result: OverviewResult }) {
  return (
    <section aria-labelledby="system-heading" className="mt-4 flex flex-col gap-4 border-t pt-6">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="flex flex-col gap-1">
          <h2 id="system-heading" className="flex items-center gap-2 font-semibold text-lg tracking-tight">
            System
            <Badge variant="outline">Operators only</Badge>
          </h2>
          <p className="max-w-2xl text-muted-foreground text-sm">
            The state of this Session Coach server and the Postgres database that stores everything.
          </p>
        </div>
        <RefreshOverviewButton />
      </div>
      <DatabaseOverviewView result={result} />
    </section>
  )
}
