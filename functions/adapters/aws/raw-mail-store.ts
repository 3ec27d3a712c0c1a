import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { RawMailStore } from '#core/intake.ts';

/** Raw messages in the S3 bucket the SES receipt rule writes to (`<prefix><SES message id>`). */
export class S3RawMailStore implements RawMailStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<Uint8Array> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!object.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return object.Body.transformToByteArray();
  }

  async *list(prefix: string): AsyncIterable<{ key: string; lastModified: Date }> {
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified) yield { key: object.Key, lastModified: object.LastModified };
      }
    }
  }

  /** Stores a raw message as SES would (the local stack's SMTP intake, tests). */
  async put(key: string, raw: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: raw, ContentType: 'message/rfc822' }));
  }
}
