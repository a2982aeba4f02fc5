import { DossierValidationEngine, ValidationOptions } from './dossier-validation-engine';
import type { DossierVerdict } from './dossier-verdict';

/** One validation task for a pool thread: the dossier's bytes and how to judge them. */
export interface ValidationTask {
  bytes: Uint8Array;
  options: ValidationOptions;
  schemaPath?: string;
}

// Loaded once per thread: compiling the schema is the expensive part, validating is cheap.
let engine: Promise<DossierValidationEngine> | null = null;

/** The pool's entry point (piscina calls the default export in a worker thread). */
export default async function validateInWorker(task: ValidationTask): Promise<DossierVerdict> {
  engine ??= DossierValidationEngine.load(task.schemaPath);
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  return (await engine).validate(bytes, task.options);
}
