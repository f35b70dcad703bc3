import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import type { Session } from '../db/schema'
import { shapeOptions } from './shape-options'

/** Every session of the account (metadata only; events sync per session on demand). Read-only here. */
export const sessionsCollection = createCollection(
  electricCollectionOptions<Session>({
    id: 'sessions',
    getKey: (session) => session.id,
    shapeOptions: shapeOptions<Session>('sessions'),
  }),
)
