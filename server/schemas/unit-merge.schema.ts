import { z } from 'zod';
import { unitCode } from './accounts.schema';

/** `POST /api/v1/units/:code/merge` (contract.md §2): the unit that takes over. */
export const mergeUnitSchema = z.object({ intoCode: unitCode.meta({ example: '000.00.31.H05' }) });
export type MergeUnitInput = z.infer<typeof mergeUnitSchema>;

/** What a merge moved (contract.md §2, fixed shape). */
export const mergeResultSchema = z
  .object({
    from: z.string().meta({ example: '000.00.31.H12' }),
    into: z.string().meta({ example: '000.00.31.H05' }),
    moved: z.object({ users: z.number().int(), dossiers: z.number().int(), replies: z.number().int() }),
  })
  .meta({ id: 'UnitMerge' });
