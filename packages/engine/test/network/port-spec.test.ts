import { exposedPortMappings, formatPortsColumn, inspectPorts, parsePublishSpec, planPortMappings, portCommandLines } from '../../src/network/port-spec';

describe('parsePublishSpec', () => {
  it('reads host:container, ip:host:container, a container port alone and protocols', () => {
    expect(parsePublishSpec('8080:80')).toEqual([{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
    expect(parsePublishSpec('127.0.0.1:5353:53/udp')).toEqual([{ hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' }]);
    expect(parsePublishSpec('80')).toEqual([{ hostIp: '', hostPort: 0, containerPort: 80, protocol: 'tcp' }]);
    expect(parsePublishSpec('127.0.0.1::80')).toEqual([{ hostIp: '127.0.0.1', hostPort: 0, containerPort: 80, protocol: 'tcp' }]);
    expect(parsePublishSpec('[::1]:8080:80')).toEqual([{ hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
    expect(parsePublishSpec('0.0.0.0:53:53/tcp,udp').map((m) => m.protocol)).toEqual(['tcp', 'udp']);
  });
  it('expands ranges of equal length', () => {
    const ports = parsePublishSpec('8000-8002:80-82');
    expect(ports.map((m) => `${m.hostPort}:${m.containerPort}`)).toEqual(['8000:80', '8001:81', '8002:82']);
    expect(parsePublishSpec('90-91').map((m) => m.hostPort)).toEqual([0, 0]);
  });
  it.each([
    ['8000-8010:80', /same length/],
    ['70000:80', /1 to 65535/],
    ['a:80', /host port "a"/],
    ['1.2.3:80:80', /not an IP address/],
    ['80/sctp', /protocol "sctp"/],
    ['1:2:3:4', /too many ":"/],
  ])('refuses %s', (spec, message) => {
    expect(() => parsePublishSpec(spec)).toThrow(message);
  });
});

describe('ports of a container', () => {
  it('-P adds the image\'s exposed ports that are not published explicitly', () => {
    const exposed = exposedPortMappings({ '80/tcp': {}, '53/udp': {}, '8080': {} });
    const planned = planPortMappings(parsePublishSpec('9000:80'), exposed);
    expect(planned[0]).toEqual({ hostIp: '', hostPort: 9000, containerPort: 80, protocol: 'tcp' });
    expect(planned.slice(1)).toEqual(expect.arrayContaining([
      { hostIp: '', hostPort: 0, containerPort: 53, protocol: 'udp' },
      { hostIp: '', hostPort: 0, containerPort: 8080, protocol: 'tcp' },
    ]));
    expect(planned).toHaveLength(3);
  });
  it('refuses the same host port twice', () => {
    expect(() => planPortMappings([...parsePublishSpec('9000:80'), ...parsePublishSpec('9000:81')], [])).toThrow(/0\.0\.0\.0:9000\/tcp is published twice/);
  });
  it('is shown as ps, port and inspect show it', () => {
    const ports = [...parsePublishSpec('8080:80'), ...parsePublishSpec('127.0.0.1:5353:53/udp')];
    expect(formatPortsColumn(ports)).toBe('0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp');
    expect(portCommandLines(ports)).toEqual(['80/tcp -> 0.0.0.0:8080', '53/udp -> 127.0.0.1:5353']);
    expect(portCommandLines(ports, '53/udp')).toEqual(['127.0.0.1:5353']);
    expect(() => portCommandLines(ports, '81')).toThrow(/no public port 81\/tcp/);
    expect(inspectPorts(ports)).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }] });
  });
});
