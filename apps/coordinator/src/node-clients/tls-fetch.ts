// HTTP GET for Node participants of an `https` coordinator whose certificate Node does not trust by itself (the
// self-signed one `--https` makes): Node's global fetch takes no CA, so this goes through node:https with the CA
// the user named (`airlora clients --ca cert.pem`), or with no check at all (`--insecure`, said loudly).
import { request } from "node:https";
import type { FetchLike } from "@airlora/participant";

export interface ParticipantTls {
  /** PEM of the certificate (or CA) to trust; undefined: the system's roots. */
  readonly ca: string | undefined;
  /** Accept any certificate: the connection is encrypted but not authenticated. */
  readonly insecure: boolean;
}

export function tlsFetch(tls: ParticipantTls): FetchLike {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: "GET",
          headers: init.headers,
          rejectUnauthorized: !tls.insecure,
          ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const body = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            resolve({
              ok: status >= 200 && status < 300,
              status,
              arrayBuffer: () => Promise.resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)),
              text: () => Promise.resolve(body.toString("utf8")),
            });
          });
        },
      );
      req.on("error", reject);
      req.end();
    });
}
