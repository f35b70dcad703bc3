import { Link } from '@tanstack/react-router'
import { TriangleAlertIcon } from 'lucide-react'
import { Alert, AlertDescription } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'
import { signUp } from '~/server/functions/auth'
import { AuthField } from './auth-field'
import { AuthFrame } from './auth-frame'
import { signUpFormSchema } from './auth-form-schemas'
import { useAuthForm } from './use-auth-form'

export function SignUpForm({ next }: { next: string | undefined }) {
  const { onSubmit, fieldErrors, formError, submitting } = useAuthForm(
    signUpFormSchema,
    (data) => signUp({ data }),
    next,
  )
  return (
    <AuthFrame
      title="Create an account"
      description="Keep your sessions, todos and coach chats on this server."
      footer={
        <p>
          Already have an account?{' '}
          <Link to="/sign-in" search={{ next }} className="font-medium text-primary underline-offset-4 hover:underline">
            Sign in
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
        <AuthField name="displayName" label="Name" autoComplete="name" error={fieldErrors.displayName} />
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
          autoComplete="new-password"
          hint="At least 10 characters."
          error={fieldErrors.password}
        />
        <Button type="submit" disabled={submitting} className="mt-1 w-full">
          {submitting ? 'Creating your account…' : 'Create account'}
        </Button>
      </form>
    </AuthFrame>
  )
}
