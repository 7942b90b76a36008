/** Procedure definitions and the dossier machine compiled from them. */
export * from './definition.schema';
export * from './machine';
export * from './steps';
