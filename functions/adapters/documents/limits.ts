/** Caps that keep every document read bounded in time and memory, and the error that carries a reason to the sender. */

export interface DocumentLimits {
  /** Largest attachment read at all. */
  readonly maxBytes: number;
  /** Most entries in a .docx/.odt zip. */
  readonly maxZipEntries: number;
  /** Most bytes unpacked from one document (zip entries, PDF streams, compressed RTF). */
  readonly maxUncompressedBytes: number;
  /** Pages of a PDF that are read; the rest is ignored (a short report fits on the first pages). */
  readonly maxPdfPages: number;
  /** Wall-clock budget for one document. */
  readonly timeoutMs: number;
}

const MB = 1024 * 1024;

export const DOCUMENT_LIMITS: DocumentLimits = {
  maxBytes: 15 * MB,
  maxZipEntries: 2_000,
  maxUncompressedBytes: 60 * MB,
  maxPdfPages: 60,
  timeoutMs: 3_000,
};

/** "15 MB", "1.5 MB": sizes as the sender's file manager shows them. */
export function formatMegabytes(bytes: number): string {
  return `${Number((bytes / MB).toFixed(1))} MB`;
}

/** A document that cannot be turned into text; `message` is the reason told to the sender. */
export class UnreadableDocument extends Error {
  override readonly name = 'UnreadableDocument';
}

/** The wall-clock budget of one extraction. */
export class Deadline {
  readonly #endsAt: number;

  constructor(readonly timeoutMs: number) {
    this.#endsAt = performance.now() + timeoutMs;
  }

  /** Throws once the budget is spent; called between steps of work that cannot be interrupted. */
  check(): void {
    if (performance.now() > this.#endsAt) throw this.#expired();
  }

  /** Settles with `work`, or fails when the budget runs out first (the work itself is left to finish or be dropped). */
  async race<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.#expired()), Math.max(0, this.#endsAt - performance.now()));
    });
    try {
      return await Promise.race([work, expiry]);
    } finally {
      clearTimeout(timer);
    }
  }

  #expired(): UnreadableDocument {
    return new UnreadableDocument(`reading the document took longer than ${this.timeoutMs / 1000} s`);
  }
}
