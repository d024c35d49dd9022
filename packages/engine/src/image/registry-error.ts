/** The error every registry operation throws: a TsctrError that also says where and what status. */
import { TsctrError } from '../errors';

export class RegistryError extends TsctrError {
  readonly registry: string;
  readonly repository?: string;
  /** HTTP status, when the registry answered. */
  readonly status?: number;
  /** The registry's error code (MANIFEST_UNKNOWN, BLOB_UNKNOWN, UNAUTHORIZED, ...) or a network code (ECONNREFUSED, ...). */
  readonly code?: string;
  /** Whether another attempt may succeed (5xx, 429, resets, timeouts). */
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;

  constructor(
    message: string,
    details: { registry: string; repository?: string; status?: number; code?: string; retryable?: boolean; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(message, 125, { cause: details.cause });
    this.name = 'RegistryError';
    this.registry = details.registry;
    this.repository = details.repository;
    this.status = details.status;
    this.code = details.code;
    this.retryable = details.retryable ?? false;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}
