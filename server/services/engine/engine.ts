import type { Knex } from 'knex';
import type { Db } from '../../db';
import { forUpdate, withTransaction } from '../../db';
import { Conflict, NotAllowed, NotFound } from '../../errors';
import type { Actor } from '../../policies/actor';
import { isSystem } from '../../policies/actor';
import { appendDispatchEvent, chainDossierEvent, insertChainedDossierEvent } from '../audit';
import { enqueue } from '../outbox.service';
import { forgetLoadedDossier } from '../dossiers.service';
import { moveReportCounts } from '../report-counts.service';

/**
 * The one transition engine (design.md §2, style.md convention 2). Dossiers, dispatches and replies
 * change state here and nowhere else: lock the row → check the version (409) → ask the policy
 * (403) → ask the machine (422) → compute the kind's effects → `UPDATE … WHERE id AND version` →
 * append the hash-chained event row → add outbox rows → mirror (national portal) → commit, retried on deadlock. Each kind
 * plugs in only what differs; forms, the API and scheduled jobs all call it.
 */

export type KindName = 'dossier' | 'dispatch' | 'reply';

/** The columns every stateful row has. */
export interface StatefulRow {
  id: number;
  state: string;
  snapshot: string;
  version: number;
}

/** What the machine says about an event: the state after it and the snapshot to persist. */
export interface Next {
  state: string;
  snapshot: unknown;
}

/** What a kind does besides the state change itself. */
export interface Effects {
  /** Other columns of the row to write with the state (never `state`, `snapshot` or `version`). */
  patch?: Record<string, unknown>;
  /** Event-row fields beyond type, states, actor and time (comment, data, step due, …). */
  event?: Record<string, unknown>;
  /** Outbox messages, written in the same transaction. */
  outbox?: Array<{ kind: string; payload: Record<string, unknown> }>;
}

/** One kind of stateful thing: its table, its event stream and its rules. */
export interface Kind<Row extends StatefulRow, Input extends { type: string }, Out> {
  name: KindName;
  table: 'dossiers' | 'dispatches' | 'dispatch_replies';
  /** Words for the conflict message ("Hồ sơ", "Công văn", "Ý kiến"). */
  noun: string;
  /** The full row after the lock (the locked columns plus whatever the kind reads alongside). */
  load(trx: Knex.Transaction, locked: StatefulRow): Promise<Row>;
  /** The policy: throws Forbidden (403) when this actor may not send this event now. */
  authorize(actor: Actor, row: Row, input: Input): void | Promise<void>;
  /** The machine: the next state, or null when the event is not allowed in this state (422). */
  machine(trx: Knex.Transaction, row: Row, input: Input): Next | null | Promise<Next | null>;
  notAllowed(row: Row, input: Input): NotAllowed;
  /** Effects of the event; may throw Invalid (422) for a rule only the row can tell. */
  effects(
    trx: Knex.Transaction,
    t: { row: Row; input: Input; next: Next; actor: Actor; now: number },
  ): Promise<Effects>;
  /** The event row's stream keys (dossier_id, or dispatch_id + reply_id). */
  stream(row: Row): Record<string, number | null>;
  /**
   * Mirror the change elsewhere (the national portal's outbox), in the same transaction, after the
   * event row and the outbox: a kind without a mirror has nothing to tell outside.
   */
  mirror?(trx: Knex.Transaction, t: { row: Row; after: Row; input: Input; actor: Actor; now: number }): Promise<void>;
  /** The answer, built inside the transaction from what was just written. */
  answer(trx: Knex.Transaction, t: { row: Row; after: Row; input: Input; effects: Effects; now: number }): Promise<Out>;
}

export interface Request<Input> {
  id: number;
  /** The version the client saw (409 when it is not the current one); undefined: no check (annotations). */
  version?: number;
  actor: Actor;
  input: Input;
  now?: number;
  /**
   * The whole row as the caller read it just before (a dossier: the visibility-checked read). Given,
   * the row is not read again under a lock: the `UPDATE … WHERE id AND version` is the check (a
   * change in between leaves it no row to update: 409, nothing written), and what the event chains
   * to (`last_event_hash`) is that version's. Every event of such a row bumps its version.
   */
  seen?: StatefulRow;
}

/**
 * Annotations (a file attached, a response written) go through the engine too: same lock, policy,
 * event row and outbox, but the state stays. Dossier annotations still take a version (every
 * dossier event row is one version, so a form opened before a new file arrived is told so).
 */
export interface Options {
  /** Bump the version for this event (default true). */
  bumpVersion?: boolean;
}

export async function transition<Row extends StatefulRow, Input extends { type: string }, Out>(
  db: Db,
  kind: Kind<Row, Input, Out>,
  req: Request<Input>,
  opts: Options = {},
): Promise<Out> {
  const now = req.now ?? Date.now();
  const bump = opts.bumpVersion ?? true;
  // A row read by this request's route loader is not handed out after a change.
  forgetLoadedDossier(req.actor);
  return withTransaction(db, async (trx) => {
    // Lock only this row; units and other rows a kind reads are not locked (they do not change with state).
    // A row the caller has just read is checked by the version-guarded UPDATE instead (one read less).
    const locked =
      req.seen && bump
        ? req.seen
        : ((await forUpdate(db, trx(kind.table).where({ id: req.id })).first()) as StatefulRow | undefined);
    if (!locked) throw new NotFound('Không tìm thấy.');
    const row = await kind.load(trx, normalise(locked));
    if (req.version !== undefined && row.version !== req.version) throw stale(kind.noun, row.version);
    await kind.authorize(req.actor, row, req.input);
    const next = await kind.machine(trx, row, req.input);
    if (!next) throw kind.notAllowed(row, req.input);
    const fx = await kind.effects(trx, { row, input: req.input, next, actor: req.actor, now });
    const version = bump ? row.version + 1 : row.version;
    const set: Record<string, unknown> = { ...fx.patch };
    if (next.state !== row.state || bump)
      Object.assign(set, { state: next.state, snapshot: JSON.stringify(next.snapshot) });
    if (bump) set.version = version;
    const system = isSystem(req.actor);
    const event: Record<string, unknown> = {
      ...kind.stream(row),
      type: req.input.type,
      from_state: row.state,
      to_state: next.state,
      actor_id: system ? null : req.actor.id,
      actor_username: system ? null : req.actor.username,
      actor_name: system ? null : req.actor.fullName,
      actor_unit_code: system ? null : req.actor.unitCode,
      at: now,
      comment: null,
      ...fx.event,
    };
    // A dossier's event chains to the hash its row keeps (read with the lock), and the row keeps the
    // new one, written by the same UPDATE as the state: no read of the event log on the hot path.
    let hash: string | null = null;
    if (kind.name === 'dossier') {
      event.dossier_version = version;
      const kept = (locked as { last_event_hash?: string | null }).last_event_hash ?? null;
      hash = await chainDossierEvent(trx, event, kept);
    }
    if (hash) set.last_event_hash = hash;
    if (Object.keys(set).length) {
      const n = await trx(kind.table)
        .where({ id: row.id, version: row.version })
        .update({ ...set, updated_at: now });
      if (n !== 1 && locked === req.seen) {
        // Changed since the caller read it: told as a stale version, with the version now (a locking
        // read, so MySQL answers the committed row, not this transaction's snapshot).
        const now = (await forUpdate(db, trx(kind.table).where({ id: row.id })).first('version')) as
          { version: unknown } | undefined;
        if (!now) throw new NotFound('Không tìm thấy.');
        throw stale(kind.noun, Number(now.version));
      }
      if (n !== 1) throw new Conflict(`${kind.noun} vừa được người khác cập nhật. Vui lòng tải lại.`);
    }
    if (hash) await insertChainedDossierEvent(trx, event, hash);
    else await appendDispatchEvent(trx, event);
    for (const m of fx.outbox ?? []) await enqueue(trx, m.kind, m.payload, now);
    const after = { ...row, ...set, version } as Row;
    if (kind.mirror) await kind.mirror(trx, { row, after, input: req.input, actor: req.actor, now });
    // The report figures move with the dossier, in the same transaction (design.md §8).
    if (kind.name === 'dossier') await moveReportCounts(trx, row, after);
    return kind.answer(trx, { row, after, input: req.input, effects: fx, now });
  });
}

/** 409 for a request made on an older version of the row. */
function stale(noun: string, current: number): Conflict {
  return new Conflict(
    `${noun} đã được cập nhật (phiên bản hiện tại ${current}). Vui lòng tải lại trước khi thao tác.`,
    { currentVersion: current },
  );
}

/** MySQL and SQLite hand back numbers differently: the columns the engine compares, as numbers. */
function normalise(r: StatefulRow): StatefulRow {
  return { ...r, id: Number(r.id), version: Number(r.version) };
}
