// Moved: visibility is the dossier policy's (server/policies/dossier.policy.ts). Kept as aliases until every importer moves.
export {
  canSeeDossier as canSee,
  assertCanSeeDossier as assertVisible,
  dossierVisibilityFilter as visibilityFilter,
} from '../policies/dossier.policy';
export { stepUnitId } from './step-unit';
