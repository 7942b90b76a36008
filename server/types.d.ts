import type { User as AppUser } from './queries/users.queries';

declare global {
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AppUser {}
  }
}

declare module 'express-session' {
  interface SessionData {
    flash?: Array<{ kind: 'success' | 'error' | 'info'; text: string }>;
  }
}

export {};
