import { Link } from '@tanstack/react-router'
import { signUp } from '~/server/functions/auth'
import { AuthField } from './auth-field'
import { AuthForm } from './auth-form'
import { signUpFormSchema } from './auth-form-schemas'
import { AuthFrame } from './auth-frame'
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
      <AuthForm
        onSubmit={onSubmit}
        formError={formError}
        submitting={submitting}
        submitLabel="Create account"
        submittingLabel="Creating your account…"
      >
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
      </AuthForm>
    </AuthFrame>
  )
}
