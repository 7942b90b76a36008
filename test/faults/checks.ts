import type { Knex } from 'knex';
import type { Load } from './load';
import { verifyChains } from '../../server/services/audit';

/**
 * The invariants between what a load saw acknowledged and what the database holds: every acknowledged
 * intake and event is there exactly once; writes never acknowledged are at most those whose outcome the
 * client could not know (`inflight`: no answer, or 5xx); versions are contiguous and each dossier's state
 * is its last event's; codes are unique and each unit-day sequence is 1..N with its counter at N; and the
 * outbox holds one message per committed change.
 */
export async function checkConsistency(
  knex: Knex,
  load: Load,
  inflight: { intakes: number; events: Map<string, number> },
) {
  const problems: string[] = [];
  const dossiers = await knex('dossiers').select('id', 'code', 'state', 'version', 'receiving_unit_id');
  const byCode = new Map(dossiers.map((d) => [d.code as string, d]));
  const events = await knex('dossier_events')
    .orderBy('id')
    .select('id', 'dossier_id', 'type', 'from_state', 'to_state', 'dossier_version');
  const byDossier = new Map<number, typeof events>();
  for (const e of events) {
    const list = byDossier.get(e.dossier_id) ?? [];
    list.push(e);
    byDossier.set(e.dossier_id, list);
  }

  // Every acknowledged intake is there (once: code is unique); the extra ones were in flight.
  for (const code of load.ackedIntakes) if (!byCode.has(code)) problems.push(`acknowledged intake ${code} is missing`);
  const unacked = dossiers.filter((d) => !load.ackedIntakes.has(d.code)).length;
  if (unacked > inflight.intakes)
    problems.push(
      `${unacked} dossiers were never acknowledged, but only ${inflight.intakes} intakes had an unknown outcome`,
    );

  let ackedChecked = 0;
  for (const d of dossiers) {
    const evs = byDossier.get(d.id) ?? [];
    // Versions contiguous 1..version, one event per version, chained states, the last one is the state.
    const versions = evs.map((e) => Number(e.dossier_version));
    const want = Array.from({ length: Number(d.version) }, (_, i) => i + 1);
    if (JSON.stringify(versions) !== JSON.stringify(want))
      problems.push(`${d.code}: event versions ${JSON.stringify(versions)}, dossier version ${d.version}`);
    if (evs[0]?.type !== 'RECEIVE') problems.push(`${d.code}: first event is ${evs[0]?.type}`);
    for (let i = 1; i < evs.length; i++)
      if (evs[i].from_state !== evs[i - 1].to_state)
        problems.push(`${d.code}: event ${i + 1} from ${evs[i].from_state} after ${evs[i - 1].to_state}`);
    if (evs.length && evs[evs.length - 1].to_state !== d.state)
      problems.push(`${d.code}: state ${d.state} but last event → ${evs[evs.length - 1].to_state}`);
    // Each acknowledged event exactly once; the unacknowledged ones are at most those in flight.
    const acked = load.ackedEvents.get(d.code) ?? [];
    for (const v of acked) {
      ackedChecked++;
      const rows = evs.filter((e) => Number(e.dossier_version) === v && e.type === 'FORWARD');
      if (rows.length !== 1)
        problems.push(`${d.code}: acknowledged FORWARD to version ${v} has ${rows.length} event rows`);
    }
    if (new Set(acked).size !== acked.length)
      problems.push(`${d.code}: the same version ${JSON.stringify(acked)} was acknowledged twice`);
    const extra = Number(d.version) - 1 - acked.length;
    if (extra < 0 || extra > (inflight.events.get(d.code) ?? 0))
      problems.push(
        `${d.code}: version ${d.version} with ${acked.length} acknowledged events and ${inflight.events.get(d.code) ?? 0} in flight`,
      );
  }

  // Codes: unique, and each unit-day sequence is 1..N with the counter at N.
  if (new Set(dossiers.map((d) => d.code)).size !== dossiers.length) problems.push('duplicate dossier codes');
  const seqs = new Map<string, number[]>();
  for (const d of dossiers) {
    const m = /^(.*)-(\d{6})-(\d{4,})$/.exec(d.code);
    if (!m) {
      problems.push(`bad code ${d.code}`);
      continue;
    }
    const key = `dossier:${m[1]}:${m[2]}`;
    seqs.set(key, [...(seqs.get(key) ?? []), Number(m[3])]);
  }
  const counters = new Map(
    (await knex('code_sequences').select('scope', 'last_value')).map((r) => [r.scope as string, Number(r.last_value)]),
  );
  for (const [scope, nums] of seqs) {
    nums.sort((a, b) => a - b);
    if (nums.some((n, i) => n !== i + 1)) problems.push(`${scope}: sequence has gaps or duplicates: ${nums.join(',')}`);
    if (counters.get(scope) !== nums.length)
      problems.push(`${scope}: counter ${counters.get(scope)} but ${nums.length} dossiers`);
  }

  // The outbox has exactly one message per committed change.
  const [{ n: received }] = await knex('outbox').where({ kind: 'dossier.received' }).count<{ n: number }[]>({ n: '*' });
  const [{ n: evented }] = await knex('outbox').where({ kind: 'dossier.event' }).count<{ n: number }[]>({ n: '*' });
  if (Number(received) !== dossiers.length)
    problems.push(`${received} dossier.received outbox rows for ${dossiers.length} dossiers`);
  if (Number(evented) !== events.length - dossiers.length)
    problems.push(`${evented} dossier.event outbox rows for ${events.length - dossiers.length} events`);
  // The tamper-evident hash chains are whole (a crash must not leave a half-written link).
  for (const bad of await verifyChains(knex))
    problems.push(`audit chain broken at ${bad.table} ${bad.id} (${bad.stream})`);
  return { problems, dossiers: dossiers.length, events: events.length, ackedChecked, unackedCommittedIntakes: unacked };
}
