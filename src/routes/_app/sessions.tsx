import { createFileRoute, redirect } from '@tanstack/react-router'

/**
 * The session list and upload moved to the home page (the explorer). Old links and bookmarks to
 * /sessions land there; a session's own page stays at /sessions/$sessionId.
 */
export const Route = createFileRoute('/_app/sessions')({
  beforeLoad: () => {
    throw redirect({ to: '/', replace: true })
  },
})
