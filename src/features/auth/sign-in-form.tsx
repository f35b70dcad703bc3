import { Link } from '@tanstack/react-router'
import { TriangleAlertIcon } from 'lucide-react'
import { Alert, AlertDescription } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'
import { signIn } from '~/server/functions/auth'
import { AuthField } from './auth-field'
import { AuthFrame } from './auth-frame'
import { signInFormSchema } from './auth-form-schemas'
import { useAuthForm } from './use-auth-form'

export function SignInForm({ next }: { next: string | undefined }) {
  const { onSubmit, fieldErrors, formError, submitting } = useAuthForm(
    signInFormSchema,
    (data) => signIn({ data }),
    next,
  )
  return (
    <AuthFrame
      title="Sign in"
      description="Welcome back to Session Coach."
      footer={
        <p>
          New here?{' '}
          <Link to="/sign-up" search={{ next }} className="font-medium text-primary underline-offset-4 hover:underline">
            Create an account
          </Link>
        </p>
      }
    >
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        {formError ? (
          <Alert variant="destructive">
            <TriangleAlertIcon aria-hidden />
            <AlertDescription>{formError}</AlertDescription>
          </Alert>
        ) : null}
        <AuthField
          name="email"
          type="email"
          label="Email"
          autoComplete="email"
          inputMode="email"
          error={fieldErrors.email}
        />
        <AuthField
          name="password"
          type="password"
          label="Password"
          autoComplete="current-password"
          error={fieldErrors.password}
        />
        <Button type="submit" disabled={submitting} className="mt-1 w-full">
          {submitting ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthFrame>
  )
}
