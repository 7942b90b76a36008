/** Dispatch (công văn xin ý kiến) and reply machines. */
export * from './dispatch.machine';
export * from './reply.machine';
