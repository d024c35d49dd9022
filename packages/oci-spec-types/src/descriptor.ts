/** OCI content descriptors (also the shape of Docker schema2 `config`, `layers` and list entries). */
import { checkDigest, type Digest } from './digest';
import { checkPlatform, type Platform } from './platform';
import { checkNonEmptyString, checkNonNegativeInteger, checkObject, checkOptional, checkString, checkStringArray, checkStringMap, passes } from './validate';

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  /** Base64 of the content, embedded. */
  data?: string;
  artifactType?: string;
  platform?: Platform;
}

export function checkDescriptor(value: unknown, field: string): Descriptor {
  const obj = checkObject(value, field);
  checkNonEmptyString(obj.mediaType, `${field}.mediaType`);
  checkDigest(obj.digest, `${field}.digest`);
  checkNonNegativeInteger(obj.size, `${field}.size`);
  checkOptional(obj, 'urls', field, checkStringArray);
  checkOptional(obj, 'annotations', field, checkStringMap);
  checkOptional(obj, 'data', field, checkString);
  checkOptional(obj, 'artifactType', field, checkString);
  checkOptional(obj, 'platform', field, checkPlatform);
  return obj as unknown as Descriptor;
}

export function isDescriptor(value: unknown): value is Descriptor {
  return passes(() => checkDescriptor(value, 'descriptor'));
}
