/**
 * The environment of the Node programs tsctr starts (the engine and its workers): the caller's,
 * minus NODE_EXTRA_CA_CERTS. Node 20 loads that file at every start, before any of our code
 * (~55 ms for Debian's CA bundle on the benchmark machine), and these programs make no TLS
 * connections; the CLI, which pulls, keeps it.
 */
export function nodeProgramEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.NODE_EXTRA_CA_CERTS === undefined) return env;
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}
