import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { fail, ok } from "@airlora/core";
import { createAccessGuard } from "../security/access-guard";
import { handleApi, type ApiDeps } from "./api";

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

function ask(url: string, deps: ApiDeps, token?: string): Answer {
  const answer: Answer = { status: 0, headers: {}, body: "" };
  const req = {
    url,
    method: "GET",
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    socket: { remoteAddress: "127.0.0.1" },
  };
  const res = {
    writeHead(status: number, headers: Record<string, string>) {
      answer.status = status;
      answer.headers = headers;
    },
    end(body: Uint8Array | string) {
      answer.body = body;
    },
  };
  handleApi(req as unknown as IncomingMessage, res as unknown as ServerResponse, deps);
  return answer;
}

const bytes = Uint8Array.from([1, 2, 3, 4]);
const asked: (number | undefined)[] = [];
const deps: ApiDeps = {
  guard: createAccessGuard(),
  health: () => ({ ok: true, version: "0", state: "done", round: 2, clients: 0 }),
  adminToken: "admin-token-123",
  state: () => ({}),
  rounds: () => [],
  metrics: () => ({}),
  exportAdapter: (round) => {
    asked.push(round);
    if (round === 9)
      return fail({ code: "no-checkpoint", reason: "round 9 has no checkpoint; rounds with one: 0, 1, 2" });
    return ok({ round: round ?? 2, fileName: "run-round-0002.safetensors", bytes });
  },
};

describe("GET /api/export/adapter.safetensors", () => {
  it("needs the admin token", () => {
    expect(ask("/api/export/adapter.safetensors", deps).status).toBe(401);
    expect(ask("/api/export/adapter.safetensors", deps, "join-token-456").status).toBe(401);
    expect(asked).toEqual([]);
  });

  it("answers the last checkpoint's adapter.safetensors, or the round asked for", () => {
    const answer = ask("/api/export/adapter.safetensors", deps, "admin-token-123");
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(bytes);
    expect(answer.headers).toMatchObject({
      "content-type": "application/octet-stream",
      "content-length": "4",
      "content-disposition": 'attachment; filename="run-round-0002.safetensors"',
      "x-airlora-round": "2",
    });
    expect(ask("/api/export/adapter.safetensors?round=1", deps, "admin-token-123").headers["x-airlora-round"]).toBe(
      "1",
    );
    expect(asked).toEqual([undefined, 1]);
  });

  it("says why there is nothing to answer: 404 for a round without a checkpoint, 400 for a bad round", () => {
    const missing = ask("/api/export/adapter.safetensors?round=9", deps, "admin-token-123");
    expect(missing.status).toBe(404);
    expect(JSON.parse(String(missing.body))).toEqual({
      error: "no-checkpoint",
      reason: "round 9 has no checkpoint; rounds with one: 0, 1, 2",
    });
    for (const round of ["-1", "1.5", "x", ""]) {
      expect(ask(`/api/export/adapter.safetensors?round=${round}`, deps, "admin-token-123").status).toBe(400);
    }
  });
});
