import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { AppContext } from '../context';
import { Conflict } from '../errors';
import { KeyTaken, runKeyed, type KeyedRequest } from '../idempotency/context';
import { priorAnswer } from '../services/idempotency.service';
import { IDEMPOTENCY_KEY, keepAnswer } from './idempotency';
import { flash } from './locals';

/*
 * Staff forms' one-time token (contract.md §2: "Back and submit again never makes a second
 * dossier"), for the forms that create something: every page carries a fresh `formToken`
 * (locals), the form sends it back in a hidden field, and the POST runs under it exactly like an
 * API request under its Idempotency-Key (server/idempotency/context): its first transaction records
 * the token, a twin sent at the same moment waits for it. The answer kept is the redirect the first
 * submission ended with; a repeat is sent there instead of doing the work again.
 */

export const FORM_TOKEN_FIELD = 'formToken';

/** Forms are one request per token whatever was typed the second time: the first one stands. */
const FORM_HASH = 'form';

const keyOf = new WeakMap<Response, KeyedRequest>();

/**
 * `guard`: put it on a form POST (after its body is parsed); without a token (an old page, a
 * script) the form runs as before, with one it runs once. `twin`: the router's error handler that
 * sends a submission whose twin recorded the token first to where the twin went.
 */
export function formOnce(ctx: AppContext): { guard: RequestHandler; twin: ErrorRequestHandler } {
  const wait = ctx.config.IDEMPOTENCY_WAIT_MS;
  const settle = async (res: Response, k: KeyedRequest): Promise<boolean> => {
    const prior = await priorAnswer(ctx.db, k, wait);
    if (prior.kind === 'none') return false;
    const to = prior.kind === 'replay' ? prior.answer.headers?.Location : undefined;
    if (!to) throw new Conflict('Biểu mẫu này đã được gửi và đang được xử lý. Vui lòng tải lại trang để xem kết quả.');
    // The first submission's own message was shown on its page: say why nothing new happened.
    flash(
      res.req,
      'info',
      'Biểu mẫu này đã được gửi trước đó nên không thực hiện lại; đây là kết quả của lần gửi đầu.',
    );
    res.redirect(303, to);
    return true;
  };
  return {
    async guard(req, res, next) {
      const token: unknown = (req.body as Record<string, unknown> | undefined)?.[FORM_TOKEN_FIELD];
      if (typeof token !== 'string' || !IDEMPOTENCY_KEY.test(token) || !req.user) return next();
      const k: KeyedRequest = {
        userId: req.user.id,
        scope: `form:${req.route?.path ?? req.path}`.slice(0, 64),
        key: token,
        hash: FORM_HASH,
        now: Date.now(),
        recorded: false,
        answered: false,
        done: false,
      };
      if (await settle(res, k)) return;
      keyOf.set(res, k);
      keepRedirect(ctx, res, k);
      runKeyed(k, () => next());
    },
    async twin(err, _req, res, next) {
      const k = keyOf.get(res);
      if (!(err instanceof KeyTaken) || !k) return next(err);
      k.done = true;
      if (!(await settle(res, k))) throw err;
    },
  };
}

/** Keep where the first submission sent the user (only a redirect: a form shown again with errors did nothing). */
function keepRedirect(ctx: AppContext, res: Response, k: KeyedRequest): void {
  const redirect = res.redirect.bind(res) as (status: number, url: string) => void;
  res.redirect = ((a: number | string, b?: string) => {
    const [status, url] = typeof a === 'number' ? [a, b!] : [302, a];
    k.done = true;
    if (!k.recorded) return redirect(status, url);
    keepAnswer(ctx, k, { status, body: null, headers: { Location: url } })
      .catch((err: unknown) => res.req.log?.warn({ err }, 'form token answer not stored'))
      .finally(() => redirect(status, url));
  }) as Response['redirect'];
}
