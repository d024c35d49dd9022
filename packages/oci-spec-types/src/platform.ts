/** The platform object of image indexes and manifest lists. */
import { checkNonEmptyString, checkObject, checkOptional, checkString, checkStringArray, passes } from './validate';

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  features?: string[];
}

export function checkPlatform(value: unknown, field: string): Platform {
  const obj = checkObject(value, field);
  checkNonEmptyString(obj.architecture, `${field}.architecture`);
  checkNonEmptyString(obj.os, `${field}.os`);
  checkOptional(obj, 'os.version', field, checkString);
  checkOptional(obj, 'os.features', field, checkStringArray);
  checkOptional(obj, 'variant', field, checkString);
  checkOptional(obj, 'features', field, checkStringArray);
  return obj as unknown as Platform;
}

export function isPlatform(value: unknown): value is Platform {
  return passes(() => checkPlatform(value, 'platform'));
}
