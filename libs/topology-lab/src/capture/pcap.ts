/** Pure: the records of a classic pcap file (what `tcpdump -w` writes), either byte order. */
export interface PcapRecord {
  readonly seconds: number;
  readonly fraction: number;
  readonly data: Buffer;
}

export interface PcapFile {
  readonly linkType: number;
  readonly records: readonly PcapRecord[];
}

/** Link type of an Ethernet capture (`tcpdump -i <veth>`). */
export const LINKTYPE_ETHERNET = 1;
const MAGICS = new Set([0xa1b2c3d4, 0xa1b23c4d]);

export function parsePcap(file: Buffer): PcapFile {
  if (file.length < 24) throw new Error(`pcap: ${file.length} bytes, shorter than its header`);
  const little = MAGICS.has(file.readUInt32LE(0));
  if (!little && !MAGICS.has(file.readUInt32BE(0)))
    throw new Error(`pcap: unknown magic 0x${file.readUInt32BE(0).toString(16)}`);
  const u32 = (offset: number): number =>
    little ? file.readUInt32LE(offset) : file.readUInt32BE(offset);
  const records: PcapRecord[] = [];
  let offset = 24;
  while (offset + 16 <= file.length) {
    const length = u32(offset + 8);
    const end = offset + 16 + length;
    if (end > file.length) break; // a record cut short by the writer being stopped
    records.push({
      seconds: u32(offset),
      fraction: u32(offset + 4),
      data: file.subarray(offset + 16, end),
    });
    offset = end;
  }
  return { linkType: u32(20), records };
}
