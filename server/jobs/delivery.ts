import type { Logger } from 'pino';
import { isRetryable } from '../db';

/** Between tries to record a delivery: 250 ms, doubling, at most 2 s. */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2_000;

/**
 * Lease a row with `claim` (a conditional UPDATE); a deadlock or lock-wait error counts as "not
 * claimed". Under Galera a row read on this node may be stale: another node's claim or release of it
 * can be certified cluster-wide and not yet applied here. The conditional UPDATE on the stale row then
 * loses certification to that write and is aborted with a deadlock error (1213; an autocommit statement
 * is retried once by the node first): someone else has the row, which is all that error says. Any
 * other error (connection lost, node not ready) still ends the pass.
 */
export async function claimed(claim: () => Promise<boolean>): Promise<boolean> {
  try {
    return await claim();
  } catch (err) {
    if (isRetryable(err)) return false;
    throw err;
  }
}

export type Recorded = 'recorded' | 'lost' | 'unrecorded';

/**
 * Record a message that has just been delivered: `record` is the conditional UPDATE that marks it
 * sent and frees the lease (true when it updated the row). The message is out, so a failure here is
 * not a failed send: it is tried again after a short back-off, for as long as the lease lasts, because
 * the one thing that would send the message twice is the lease running out with the row still
 * pending. That is what happens when this process's database node dies right after the send (a
 * Galera node killed, its replacement not ready yet): its queries fail until the node is back.
 *
 * Returns 'recorded'; 'lost' when the UPDATE matched no row (the lease was taken over after running
 * out, or an earlier try committed and only its answer was lost, which the row then shows as sent);
 * 'unrecorded' when every try failed until the lease ran out. What is left is at-least-once, by
 * design: a database away for longer than the lease, or this process killed between the send and the
 * record, leaves a pending row whose lease runs out, and another process sends the message again.
 */
export async function recordDelivery(
  record: () => Promise<boolean>,
  leaseUntil: number,
  log: { logger?: Logger; what: Record<string, unknown> },
): Promise<Recorded> {
  let delay = FIRST_DELAY_MS;
  for (let tries = 1; ; tries++) {
    try {
      const done = await record();
      if (tries > 1)
        log.logger?.warn(
          { ...log.what, tries, recorded: done },
          done
            ? 'delivery recorded after retries'
            : 'delivery not recorded: the row is no longer leased to this process (taken over, or recorded by an earlier try)',
        );
      return done ? 'recorded' : 'lost';
    } catch (err) {
      if (Date.now() + delay >= leaseUntil) {
        log.logger?.error(
          { ...log.what, tries, err },
          'delivered but not recorded before the lease ran out: another process may send it again',
        );
        return 'unrecorded';
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
