/** The network part of a container's record (config.json `network`), shared by the CLI and the engine. */

export type PortProtocol = 'tcp' | 'udp';

/** One published port: host `hostIp:hostPort` forwarded to the container's `containerPort`. */
export interface PortMapping {
  /** '' means every host address (0.0.0.0). */
  readonly hostIp: string;
  /** 0 until a random port is assigned at create time. */
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: PortProtocol;
}

export interface HostEntry {
  readonly name: string;
  readonly ip: string;
}

export interface ContainerNetworkConfig {
  /** 'slirp4netns' | 'pasta' | 'none' | 'host' | 'container:<64-hex id>'. */
  readonly mode: string;
  /** slirp4netns options (key=value) or extra pasta arguments, as given after the mode's colon. */
  readonly options: readonly string[];
  readonly ports?: readonly PortMapping[];
  /** --dns (replaces the nameservers), --dns-search (replaces search), --dns-option (added). */
  readonly dnsServers?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOptions?: readonly string[];
  /** --add-host name:ip. */
  readonly addHosts?: readonly HostEntry[];
}
