/**
 * An S3 server for tests (s3rver, in the test's own process) with one empty bucket in a folder of
 * its own, and what a test needs to point Parley at it and look inside.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

export interface TestS3 {
  /** ATTACHMENT_STORE=s3 and the S3_* variables that reach this server */
  env: Record<string, string>;
  /** the keys in the bucket starting with `prefix`, sorted */
  keys(prefix?: string): Promise<string[]>;
  /** stops the server and deletes its folder */
  close(): Promise<void>;
}

/** Starts s3rver on a free port of 127.0.0.1 with the bucket `parley-test`. */
export async function startTestS3(): Promise<TestS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "parley-s3-"));
  const bucket = "parley-test";
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver takes any key; these are what its documentation uses
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials });
  return {
    env: { ATTACHMENT_STORE: "s3", S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_REGION: "us-east-1", S3_ACCESS_KEY_ID: credentials.accessKeyId, S3_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    async keys(prefix = "") {
      const found: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        found.push(...(page.Contents ?? []).map((c) => c.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return found.sort();
    },
    async close() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
