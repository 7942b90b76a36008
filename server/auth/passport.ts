import { Passport } from 'passport';

export type Authenticator = InstanceType<typeof Passport>;
import { Strategy as LocalStrategy } from 'passport-local';
import type { AppContext } from '../context';
import { authenticate } from '../services/accounts.service';
import { findUserById } from '../queries/users.queries';
import { Unauthorized } from '../errors';
import { withDelegations } from '../services/delegations.service';

/** A Passport instance per app (tests build several apps in one process). */
export function createPassport(ctx: AppContext): Authenticator {
  const passport = new Passport();
  const rules = {
    maxPerUsername: ctx.config.LOGIN_MAX_FAILURES,
    maxPerIp: ctx.config.LOGIN_IP_MAX_FAILURES,
    windowMs: ctx.config.LOGIN_WINDOW_MINUTES * 60_000,
  };
  passport.use(
    new LocalStrategy({ passReqToCallback: true }, (req, username, password, done) => {
      authenticate(ctx.db, rules, username, password, req.ip ?? 'unknown').then(
        (user) => done(null, user),
        (err) => (err instanceof Unauthorized ? done(null, false, { message: err.message }) : done(err)),
      );
    }),
  );
  passport.serializeUser((user, done) => done(null, user.id));
  // Each request reloads the user: a disabled user or changed roles take effect at once.
  passport.deserializeUser((id: number, done) => {
    // With the delegations in force today (absence delegation): they start, end and are revoked by themselves.
    findUserById(ctx.db, id)
      .then(async (u) => (u && u.active ? await withDelegations(ctx.db, u) : false))
      .then((u) => done(null, u), done);
  });
  return passport;
}

export function throttleRules(ctx: AppContext) {
  return {
    maxPerUsername: ctx.config.LOGIN_MAX_FAILURES,
    maxPerIp: ctx.config.LOGIN_IP_MAX_FAILURES,
    windowMs: ctx.config.LOGIN_WINDOW_MINUTES * 60_000,
  };
}
