/**
 * oci-spec-types: TypeScript types and runtime guards for the OCI image spec and Docker schema2.
 * Dependency free. Guards come in three flavours per type: `checkX(value, field)` (throws
 * SpecValidationError naming the bad field), `isX(value)` (type predicate), `parseX(json)` (parse +
 * check; JSON text or bytes).
 */
export * from './media-types';
export * from './digest';
export * from './platform';
export * from './descriptor';
export * from './manifest';
export * from './image-config';
export { SpecValidationError } from './validate';
