// IPv4/IPv6 addresses with an optional CIDR suffix, accepted and compared exactly as the
// `ip-address` package (v10) does, because unleash-client's IN_CIDR operator and remoteAddress
// strategy are defined by it: which strings are valid (no leading zeros in IPv4 octets,
// v4-in-v6 tails, zone ids, "::" rules) decides whether a flag is on.

export interface IpAddress {
  readonly v6: boolean;
  /** 16-bit groups, most significant first: 2 for IPv4, 8 for IPv6. */
  readonly groups: readonly number[];
  /** CIDR prefix length; 32 or 128 when the text had no suffix. */
  readonly prefix: number;
}

const V4_SUBNET = /\/\d{1,2}$/;
const V4_ADDRESS =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const LEADING_ZERO = /^0\d/;
const V6_SUBNET = /\/\d{1,3}(?=%|$)/;
const NO_LINE_TERMINATOR = /^.*$/;
const V6_BAD_CHARACTERS = /[^0-9a-f:/%]/i;
const V6_BAD_ADDRESS = /[0-9a-f]{5,}|:{3,}|[^:]:$|^:[^:]|\/$/i;
const OCTET_DIGITS = /^\d{1,3}$/;

function v4Octets(address: string): number[] | undefined {
  const parts = address.split('.');
  for (const part of parts) if (LEADING_ZERO.test(part)) return undefined;
  const m = V4_ADDRESS.exec(address);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

/** `new Address4(text)`; `undefined` where it would throw. */
export function parseIpv4(text: string): IpAddress | undefined {
  let address = text;
  let prefix = 32;
  const subnet = V4_SUBNET.exec(address);
  if (subnet) {
    prefix = Number.parseInt(subnet[0].slice(1), 10);
    if (prefix > 32) return undefined;
    address = address.replace(V4_SUBNET, '');
  }
  if (address.length > 15) return undefined;
  const o = v4Octets(address);
  if (!o) return undefined;
  return { v6: false, groups: [(o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!], prefix };
}

/** `new Address6(text)`; `undefined` where it would throw. */
export function parseIpv6(text: string): IpAddress | undefined {
  let address = text;
  let prefix = 128;
  const subnet = V6_SUBNET.exec(address);
  if (subnet) {
    prefix = Number.parseInt(subnet[0].slice(1), 10);
    if (prefix > 128) return undefined;
    address = address.replace(V6_SUBNET, '');
  }
  if (address.includes('/')) return undefined;
  const zoneStart = address.indexOf('%');
  if (zoneStart !== -1 && NO_LINE_TERMINATOR.test(address.slice(zoneStart))) {
    address = address.slice(0, zoneStart);
  }
  if (address.length > 45) return undefined;

  if (address.includes('.')) {
    const parts = address.split(':');
    const last = parts[parts.length - 1]!;
    const octets = last.split('.');
    if (
      octets.length === 4 &&
      octets.every((o) => OCTET_DIGITS.test(o)) &&
      octets.some((o) => LEADING_ZERO.test(o))
    ) {
      return undefined;
    }
    const m = V4_ADDRESS.exec(last);
    if (m) {
      const hex = (a: string, b: string) => ((Number(a) << 8) | Number(b)).toString(16);
      parts[parts.length - 1] = `${hex(m[1]!, m[2]!)}:${hex(m[3]!, m[4]!)}`;
      address = parts.join(':');
    }
  }
  if (V6_BAD_CHARACTERS.test(address) || V6_BAD_ADDRESS.test(address)) return undefined;

  let texts: string[];
  const halves = address.split('::');
  if (halves.length === 2) {
    const first = halves[0] === '' ? [] : halves[0]!.split(':');
    const last = halves[1] === '' ? [] : halves[1]!.split(':');
    const remaining = 8 - (first.length + last.length);
    if (remaining === 0) return undefined;
    texts = first;
    for (let i = 0; i < remaining; i++) texts.push('0');
    texts = texts.concat(last);
  } else if (halves.length === 1) {
    texts = address.split(':');
  } else {
    return undefined;
  }
  if (texts.length !== 8) return undefined;
  const groups: number[] = [];
  for (const t of texts) {
    const n = Number.parseInt(t, 16);
    if (Number.isNaN(n)) return undefined;
    groups.push(n);
  }
  return { v6: true, groups, prefix };
}

/** Same address, ignoring the suffix (ip-address `correctForm()` equality). */
export function sameAddress(a: IpAddress, b: IpAddress): boolean {
  if (a.v6 !== b.v6) return false;
  for (let i = 0; i < a.groups.length; i++) if (a.groups[i] !== b.groups[i]) return false;
  return true;
}

/**
 * ip-address `address.isInSubnet(range)`: same family, the address's own network is no wider than
 * the range, and the first `range.prefix` bits agree.
 */
export function isInSubnet(address: IpAddress, range: IpAddress): boolean {
  if (address.v6 !== range.v6 || address.prefix < range.prefix) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const a = address.groups[i]!;
    const b = range.groups[i]!;
    if (bits >= 16) {
      if (a !== b) return false;
    } else {
      const mask = (0xffff << (16 - bits)) & 0xffff;
      if ((a & mask) !== (b & mask)) return false;
    }
  }
  return true;
}
