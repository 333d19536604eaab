import type { FastifyInstance } from "fastify";

export const CONTENT_SECURITY_POLICY: string;

/** The web app's server over a built bundle (a directory holding index.html), not yet listening. */
export function buildWebServer(options: { dist: string; logLevel?: string }): Promise<FastifyInstance>;
