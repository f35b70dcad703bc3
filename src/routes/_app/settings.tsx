import { createFileRoute } from '@tanstack/react-router'
import { PageHeader } from '~/components/layout/page-header'
import { THEME_LABELS } from '~/components/layout/theme-toggle'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '~/components/ui/card'
import { Label } from '~/components/ui/label'
import { RadioGroup, RadioGroupItem } from '~/components/ui/radio-group'
import { usePreference } from '~/lib/preferences'
import { isThemePreference, THEME_PREFERENCES, themePreference } from '~/lib/theme'

export const Route = createFileRoute('/_app/settings')({
  head: () => ({ meta: [{ title: 'Settings · Session Coach' }] }),
  component: SettingsPage,
})

const THEME_HINTS = {
  light: 'Always light.',
  dark: 'Always dark.',
  system: 'Follows your operating system.',
} as const

function SettingsPage() {
  const theme = usePreference(themePreference)
  return (
    <>
      <PageHeader title="Settings" description="Preferences for this browser." />
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
        <p className="text-muted-foreground text-sm">
          Coach provider, session discovery folders and account settings arrive with the features they configure.
        </p>
      </div>
    </>
  )
}
