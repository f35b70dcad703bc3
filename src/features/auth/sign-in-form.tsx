import { Link } from '@tanstack/react-router'
import { signIn } from '~/server/functions/auth'
import { AuthField } from './auth-field'
import { AuthForm } from './auth-form'
import { signInFormSchema } from './auth-form-schemas'
import { AuthFrame } from './auth-frame'
import { useAuthForm } from './use-auth-form'

export function SignInForm({ next, signUpOpen }: { next: string | undefined; signUpOpen: boolean }) {
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
        signUpOpen ? (
          <p>
            New here?{' '}
            <Link
              to="/sign-up"
              search={{ next }}
              className="font-medium text-primary underline-offset-4 hover:underline"
            >
              Create an account
            </Link>
          </p>
        ) : (
          <p>No account yet? Ask the operator of this server to create one for you.</p>
        )
      }
    >
      <AuthForm
        onSubmit={onSubmit}
        formError={formError}
        submitting={submitting}
        submitLabel="Sign in"
        submittingLabel="Signing in…"
      >
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
      </AuthForm>
    </AuthFrame>
  )
}
