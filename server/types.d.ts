import type { User as AppUser } from './queries/users.queries';
import type { ActiveDelegation } from './policies/actor';

declare global {
  namespace Express {
    interface User extends AppUser {
      /** Delegations to this user in force today (absence delegation), loaded with the user per request. */
      delegations?: ActiveDelegation[];
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    flash?: Array<{ kind: 'success' | 'error' | 'info'; text: string }>;
  }
}

export {};
