/**
 * Streams one multipart upload into the store in chunks: memory per upload stays at one chunk, Meta's size limit for
 * the file's type and the account's storage are checked as bytes arrive, and a refused or broken upload stores nothing.
 */
import { createHash } from 'node:crypto';
import type { MultipartFile, Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { gatewayError, isSwitchboardError } from '../catalog/switchboard-error.js';
import type { Account } from '../domain/account.js';
import { checkUploadSize, fitsMediaStorage, uploadLimitFor } from '../domain/validation/media.js';
import type { MediaRecord, MediaUpload, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { UploadSlots } from './upload-slots.js';

const CHUNK_BYTES = 1024 * 1024;

export interface UploadDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly slots: UploadSlots;
  /** Bytes of media one account may keep stored. */
  readonly storageBytesPerAccount: number;
}

/** busboy's own failures (no boundary, a body that ends early) are the client's; the plugin's coded errors map elsewhere. */
function asMultipartError(error: unknown): unknown {
  if (isSwitchboardError(error) || (typeof (error as { code?: unknown })?.code === 'string')) return error;
  const message = error instanceof Error ? error.message : String(error);
  return gatewayError('malformed_multipart', { detail: `The multipart body cannot be read: ${message}.` });
}

/**
 * What the parser yields, with only the parser's own failures taken as the client's: an error thrown while handling
 * an item (the store's, or a bug) reaches the error handler as it is, so it is answered and logged as ours.
 */
async function* parsed<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    for await (const item of source) yield item;
  } catch (error) {
    throw asMultipartError(error);
  }
}

function storageExceeded(deps: UploadDeps, storedBytes: number): Error {
  return gatewayError('media_storage_exceeded', {
    detail: `Your account may keep ${deps.storageBytesPerAccount} bytes of media and keeps ${storedBytes}; this upload does not fit.`,
    field: 'file',
  });
}

/** The MIME type: the part's own, else Meta's `type` field when it came before the file. */
function mimeTypeOf(file: MultipartFile): string {
  const typeField = file.fields['type'];
  const declared = typeField && 'value' in typeField ? String(typeField.value) : undefined;
  return file.mimetype && file.mimetype !== 'application/octet-stream' ? file.mimetype : (declared ?? file.mimetype);
}

/** Copies the file part into the upload chunk by chunk; `check` sees the running total before each byte is kept. */
async function copyInChunks(file: MultipartFile, upload: MediaUpload, check: (bytes: number) => void): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of parsed(file.file as AsyncIterable<Buffer>)) {
    bytes += piece.length;
    check(bytes);
    hash.update(piece);
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes >= CHUNK_BYTES) {
      await upload.append(Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pendingBytes > 0) await upload.append(Buffer.concat(pending));
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * The name the part gave its file, as kept beside the media: for people to read, so control characters (which a
 * database may refuse to store, NUL on PostgreSQL) are left out.
 */
function storedFilename(part: MultipartFile): string | null {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const name = (part.filename ?? '').replace(/[\u0000-\u001f\u007f]/g, '');
  return name === '' ? null : name;
}

/** The first file part, written into an upload; the caller commits it once the whole body has been read. */
async function writeFilePart(deps: UploadDeps, account: Account, part: MultipartFile, numberId: string | null) {
  const mimeType = mimeTypeOf(part);
  const limit = uploadLimitFor(mimeType);
  const storedBefore = await deps.store.mediaBytesStored(account.id);
  const pending = await deps.store.beginMedia({ accountId: account.id, numberId, mimeType, filename: storedFilename(part) }, deps.clock.now());
  try {
    const facts = await copyInChunks(part, pending, (bytes) => {
      checkUploadSize(limit, bytes);
      if (!fitsMediaStorage(storedBefore, bytes, deps.storageBytesPerAccount)) throw storageExceeded(deps, storedBefore);
    });
    return { pending, facts };
  } catch (error) {
    await pending.discard();
    throw error;
  }
}

/**
 * Streams the first file part into the store and reads the later parts to the end: only a body that ends with its
 * closing boundary is committed, so a truncated upload stores nothing.
 */
async function streamFirstFile(deps: UploadDeps, account: Account, parts: AsyncIterableIterator<Multipart>, numberId: string | null): Promise<MediaRecord> {
  let written: Awaited<ReturnType<typeof writeFilePart>> | undefined;
  try {
    for await (const part of parsed(parts)) {
      if (part.type === 'file' && written === undefined) written = await writeFilePart(deps, account, part, numberId);
    }
  } catch (error) {
    await written?.pending.discard();
    throw error;
  }
  if (!written) throw gatewayError('missing_required_field', { detail: 'The upload has no `file` part.', field: 'file' });
  const result = await written.pending.commit({ ...written.facts, capBytes: deps.storageBytesPerAccount });
  if (result.kind === 'over-cap') throw storageExceeded(deps, result.storedBytes);
  return result.media;
}

/**
 * A refused upload stops parsing; the rest of its body is read and dropped, so the client, still sending, gets the
 * answer and the connection stays usable. Node's request timeout bounds how long a client can keep that up.
 */
function discardRestOfBody(request: FastifyRequest): void {
  request.raw.unpipe();
  request.raw.resume();
}

/** Stores the one file of a multipart request under the account (and the number, when given). */
export async function storeUpload(deps: UploadDeps, account: Account, request: FastifyRequest, numberRef?: string): Promise<MediaRecord> {
  if (!request.isMultipart()) throw gatewayError('unsupported_content_type', { detail: 'Upload media as multipart/form-data with a `file` part.' });
  let numberId: string | null = null;
  if (numberRef !== undefined) {
    const number = await deps.store.findNumber(numberRef);
    if (!number || number.accountId !== account.id)
      throw gatewayError('phone_number_not_authorized', { detail: `Number ${numberRef} is not assigned to your account.` });
    numberId = number.id;
  }
  if (!(await deps.slots.tryAcquire(account.id)))
    throw gatewayError('upload_concurrency_exceeded', { detail: 'Your account has as many uploads in progress as it may; wait for one to finish.', retryAfterSeconds: 1 });
  try {
    return await streamFirstFile(deps, account, request.parts(), numberId);
  } catch (error) {
    discardRestOfBody(request);
    throw error;
  } finally {
    deps.slots.release(account.id);
  }
}
