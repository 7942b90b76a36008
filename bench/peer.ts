/**
 * The peer: the same six-step process run by bpmn-engine (v25), as a workflow app built on that
 * engine would persist it: the engine state (`engine.getState()` JSON) lives in a row; each step
 * locks the row, recovers the engine (`new Engine().recover(state)` + `resume()`), signals the
 * waiting user task, saves the new state with a version check and appends an event row, in one
 * transaction through the same knex instance the app uses.
 */
import { Engine } from 'bpmn-engine';
import { forUpdate, withTransaction } from '../server/db';
import type { BenchDb } from './db';
import type { World } from './world';

export interface PeerInstance {
  id: number;
}

export function bpmnSource(steps: Array<{ code: string; name: string }>): string {
  let body = '<startEvent id="start" />';
  let prev = 'start';
  for (const s of steps) {
    body += `<sequenceFlow id="f_${prev}_${s.code}" sourceRef="${prev}" targetRef="${s.code}" /><userTask id="${s.code}" name="${s.name}" />`;
    prev = s.code;
  }
  body += `<sequenceFlow id="f_${prev}_end" sourceRef="${prev}" targetRef="end" /><endEvent id="end" />`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="dossier_defs" targetNamespace="http://motcua.local/bench">
  <process id="dossier" isExecutable="true">${body}</process>
</definitions>`;
}

export interface Peer {
  /** Bytes of one stored engine state at the first task. */
  stateBytes: number;
  fresh(n: number): Promise<PeerInstance[]>;
  op(p: PeerInstance): Promise<void>;
}

export async function setupPeer(db: BenchDb, w: World): Promise<Peer> {
  const k = db.knex;
  await k.schema.createTable('bench_peer_instances', (t) => {
    t.increments('id').primary();
    t.text('state', 'mediumtext').notNullable();
    t.string('current', 64).nullable();
    t.integer('version').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await k.schema.createTable('bench_peer_events', (t) => {
    t.bigIncrements('id').primary();
    t.integer('instance_id').unsigned().notNullable();
    t.string('type', 32).notNullable();
    t.string('from_state', 64).nullable();
    t.string('to_state', 64).notNullable();
    t.integer('actor_id').nullable();
    t.string('actor_username', 64).nullable();
    t.bigInteger('at').notNullable();
    t.integer('version').notNullable();
    t.index(['instance_id', 'id']);
  });

  // The initial state: started once, waiting at the first user task.
  const engine = new Engine({ name: 'dossier', source: bpmnSource(w.def.steps) });
  const execution = await engine.execute();
  const first = execution.getPostponed()[0]?.id;
  if (first !== w.def.steps[0].code) throw new Error(`bpmn-engine did not wait at the first task (got ${first})`);
  const initial = JSON.stringify(await engine.getState());
  await engine.stop();

  const u = w.user;
  return {
    stateBytes: Buffer.byteLength(initial),
    async fresh(n) {
      const out: PeerInstance[] = [];
      let id = await db.nextId('bench_peer_instances');
      const BATCH = 500;
      for (let done = 0; done < n; done += BATCH) {
        const rows: unknown[][] = [];
        const t = Date.now();
        for (let i = 0; i < Math.min(BATCH, n - done); i++) {
          rows.push([id, initial, first, 1, t]);
          out.push({ id: id++ });
        }
        await db.insertBatch([
          { table: 'bench_peer_instances', cols: ['id', 'state', 'current', 'version', 'updated_at'], rows },
        ]);
      }
      return out;
    },
    async op(p) {
      await withTransaction(k, async (trx) => {
        const row = (await forUpdate(k, trx('bench_peer_instances').where({ id: p.id })).first()) as {
          id: number;
          state: string;
          current: string;
          version: number;
        };
        const eng = new Engine().recover(JSON.parse(row.state));
        const ex = await eng.resume();
        const task = ex.getPostponed()[0];
        if (!task) throw new Error('no waiting task');
        ex.signal({ id: task.id });
        const next = ex.getPostponed()[0]?.id ?? 'end';
        const state = JSON.stringify(await eng.getState());
        if (eng.state === 'running') await eng.stop();
        const at = Date.now();
        const n = await trx('bench_peer_instances')
          .where({ id: row.id, version: row.version })
          .update({ state, current: next, version: row.version + 1, updated_at: at });
        if (n !== 1) throw new Error('version conflict');
        await trx('bench_peer_events').insert({
          instance_id: row.id,
          type: 'FORWARD',
          from_state: task.id,
          to_state: next,
          actor_id: u.id,
          actor_username: u.username,
          at,
          version: row.version + 1,
        });
      });
    },
  };
}
