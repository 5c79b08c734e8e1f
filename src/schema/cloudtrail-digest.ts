/**
 * CloudTrail digest files (log-file integrity validation). Readers recognise
 * and skip them; the schema exists so they can be identified and reported.
 *
 * @module
 */

import { z } from 'zod';

const nullableString = () => z.string().nullable().optional();

/**
 * One `logFiles[]` entry of a digest file.
 *
 * @example
 * ```ts
 * CloudTrailDigestLogFileSchema.parse({ s3Bucket: 'b', s3Object: 'AWSLogs/…json.gz', hashValue: 'ab', hashAlgorithm: 'SHA-256' });
 * ```
 */
export const CloudTrailDigestLogFileSchema = z.looseObject({
  s3Bucket: z.string(),
  s3Object: z.string(),
  hashValue: z.string(),
  hashAlgorithm: z.string(),
  newestEventTime: nullableString(),
  oldestEventTime: nullableString(),
});

/**
 * A CloudTrail digest file. A starting digest has `null` previous-digest fields
 * and may have an empty `logFiles`; `newestEventTime`/`oldestEventTime` are
 * `null` when the hour had no log files.
 *
 * @example
 * ```ts
 * CloudTrailDigestSchema.safeParse({ awsAccountId: '111122223333', digestS3Object: 'AWSLogs/…', logFiles: [] }).success; //=> false (fields missing)
 * ```
 */
export const CloudTrailDigestSchema = z.looseObject({
  awsAccountId: z.string(),
  digestStartTime: z.string(),
  digestEndTime: z.string(),
  digestS3Bucket: z.string(),
  digestS3Object: z.string(),
  digestPublicKeyFingerprint: z.string(),
  digestSignatureAlgorithm: z.string(),
  newestEventTime: nullableString(),
  oldestEventTime: nullableString(),
  previousDigestS3Bucket: nullableString(),
  previousDigestS3Object: nullableString(),
  previousDigestHashValue: nullableString(),
  previousDigestHashAlgorithm: nullableString(),
  previousDigestSignature: nullableString(),
  logFiles: z.array(CloudTrailDigestLogFileSchema),
});
/**
 * A CloudTrail digest file (recognised so that readers can skip it), as parsed by `CloudTrailDigestSchema`.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { type CloudTrailDigest, CloudTrailDigestSchema, isCloudTrailDigest } from 'kubetrail/schema';
 * const json: unknown = JSON.parse(readFileSync('digest.json', 'utf8'));
 * if (isCloudTrailDigest(json)) {
 *   const digest: CloudTrailDigest = CloudTrailDigestSchema.parse(json);
 *   console.log(digest.digestStartTime, digest.digestEndTime, digest.logFiles.map((f) => f.s3Object));
 * }
 * ```
 * @see CloudTrailDigestSchema
 */
export type CloudTrailDigest = z.infer<typeof CloudTrailDigestSchema>;
