/**
 * "People" in the share dialog (password mode): the owner shares the session with another
 * account's user by e-mail; it appears live in their explorer, read-only, and leaves it when
 * removed here.
 */
import { getRouteApi } from '@tanstack/react-router'
import { UserMinusIcon } from 'lucide-react'
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react'
import { Button } from '~/components/ui/button'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'
import { errorMessage } from '~/lib/error-message'
import { addSessionMember, listSessionMembers, removeSessionMember } from '~/server/functions/session-members'

const appRoute = getRouteApi('/_app')

type Member = Awaited<ReturnType<typeof listSessionMembers>>[number]

export function ShareWithPeople({ sessionId }: { sessionId: string }) {
  const { authMode } = appRoute.useLoaderData()
  if (authMode !== 'password') return null
  return <PeopleForm sessionId={sessionId} />
}

function PeopleForm({ sessionId }: { sessionId: string }) {
  const id = useId()
  const [email, setEmail] = useState('')
  const [members, setMembers] = useState<Member[] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const reload = useCallback(async () => {
    try {
      setMembers(await listSessionMembers({ data: { sessionId } }))
    } catch (error) {
      setProblem(errorMessage(error))
    }
  }, [sessionId])
  useEffect(() => {
    void reload()
  }, [reload])

  const add = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    try {
      await addSessionMember({ data: { sessionId, email } })
      setEmail('')
      await reload()
    } catch (error) {
      setProblem(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }
  const remove = async (userId: string) => {
    setProblem(null)
    try {
      await removeSessionMember({ data: { sessionId, userId } })
      await reload()
    } catch (error) {
      setProblem(errorMessage(error))
    }
  }

  return (
    <section aria-labelledby={`${id}-people`} className="flex flex-col gap-2 border-t pt-4">
      <h3 id={`${id}-people`} className="font-medium text-sm">
        People with access
      </h3>
      <p className="text-muted-foreground text-xs">
        They see it in their explorer, live and read-only, with your name on it.
      </p>
      <form onSubmit={add} className="flex gap-2">
        <Label htmlFor={`${id}-email`} className="sr-only">
          E-mail of the person to share with
        </Label>
        <Input
          id={`${id}-email`}
          type="email"
          placeholder="their e-mail"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          required
        />
        <Button type="submit" variant="outline" disabled={busy}>
          Add
        </Button>
      </form>
      {problem ? (
        <p role="alert" className="text-destructive text-sm">
          {problem}
        </p>
      ) : null}
      {members && members.length > 0 ? (
        <ul className="flex flex-col gap-1" data-testid="session-members">
          {members.map((member) => (
            <li key={member.userId} className="flex items-center justify-between gap-2 text-sm">
              <span className="min-w-0 truncate">
                {member.name} {member.email ? <span className="text-muted-foreground">({member.email})</span> : null}
              </span>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove ${member.name}`}
                onClick={() => void remove(member.userId)}
              >
                <UserMinusIcon aria-hidden />
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  )
}
